package io.omniforge.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The address checker on its own, with the production defaults (the mapping's defaults, no application.properties),
 * and with each way of allowing more.
 */
class AgentUrlGuardTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    private static AgentUrlGuard guard(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(AgentUrlConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return new AgentUrlGuard(config.getConfigMapping(AgentUrlConfig.class), vertx);
    }

    private static String refusal(AgentUrlGuard guard, String url) {
        try {
            guard.check(url).await().atMost(Duration.ofSeconds(10));
            return null;
        } catch (A2aException e) {
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
            "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.0.1, PRIVATE",
            "100.64.0.1, PRIVATE", "100.127.255.254, PRIVATE", "fc00::1, PRIVATE", "fd00:ec2::254, PRIVATE",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
            "240.0.0.1, RESERVED", "255.255.255.255, RESERVED",
            // IPv6 addresses that carry an IPv4 one take its kind
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.0.0.1, PRIVATE", "64:ff9b::a9fe:a9fe, LINK_LOCAL", "::7f00:1, LOOPBACK",
            "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "192.169.0.1, PUBLIC",
            "2001:4860:4860::8888, PUBLIC", "64:ff9b::808:808, PUBLIC"})
    void kinds(String address, AgentUrlGuard.Kind kind) throws Exception {
        assertEquals(kind, AgentUrlGuard.kind(InetAddress.getByName(address)), address);
    }

    @Test
    void theDefaultsRefuseEverythingButPublicAddresses() {
        AgentUrlGuard guard = guard(Map.of());
        assertEquals("agent URL http://localhost:8080 resolves to 127.0.0.1, a loopback address; allow it with"
                + " omniforge.security.agent-urls.allowed-networks (or omniforge.security.agent-urls.allow-loopback)",
                refusal(guard, "http://localhost:8080"), "a name that resolves to loopback");
        assertEquals("agent URL http://169.254.169.254/latest resolves to 169.254.169.254, a link-local address"
                + " (where cloud metadata services answer); allow it with omniforge.security.agent-urls.allowed-networks",
                refusal(guard, "http://169.254.169.254/latest"));
        assertTrue(refusal(guard, "http://10.0.0.7").endsWith("a private address; allow it with"
                + " omniforge.security.agent-urls.allowed-networks (or omniforge.security.agent-urls.allow-private)"));
        assertTrue(refusal(guard, "https://[::1]:8443/agent").contains("a loopback address"));
        assertTrue(refusal(guard, "file:///etc/passwd").contains("must be an absolute http(s) URL"));
        assertTrue(refusal(guard, "gopher://8.8.8.8/").contains("must be an absolute http(s) URL"));
        assertTrue(refusal(guard, "http://no-such-host.invalid").contains("does not resolve"));
        assertEquals(null, refusal(guard, "https://8.8.8.8/agent"), "a public address");
        assertEquals(null, refusal(guard, "http://[2001:4860:4860::8888]"), "a public address");
    }

    @Test
    void networksHostsAndFlagsAllowMore() {
        AgentUrlGuard networks = guard(Map.of("omniforge.security.agent-urls.allowed-networks", "10.20.0.0/16, fd00:ab::/32,127.0.0.1,::1"));
        assertEquals(null, refusal(networks, "http://10.20.3.4"));
        assertTrue(refusal(networks, "http://10.21.0.1").contains("a private address"));
        assertEquals(null, refusal(networks, "http://[fd00:ab:1::2]"));
        assertEquals(null, refusal(networks, "http://localhost"), "every address of localhost is allowed");
        assertTrue(refusal(networks, "http://127.0.0.2").contains("a loopback address"));

        AgentUrlGuard hosts = guard(Map.of("omniforge.security.agent-urls.allowed-hosts", "LOCALHOST,*.agents.internal"));
        assertEquals(null, refusal(hosts, "http://localhost:9000"));
        assertEquals(null, refusal(hosts, "http://billing.agents.internal"), "allowed by name, not looked up");
        assertEquals(null, refusal(hosts, "http://agents.internal"));
        assertTrue(refusal(hosts, "http://127.0.0.1").contains("a loopback address"), "the name is allowed, not its address");

        AgentUrlGuard flags = guard(Map.of("omniforge.security.agent-urls.allow-loopback", "true",
                "omniforge.security.agent-urls.allow-private", "true"));
        assertEquals(null, refusal(flags, "http://localhost"));
        assertEquals(null, refusal(flags, "http://192.168.7.7"));
        assertEquals(null, refusal(flags, "http://[fc00::5]"));
        assertTrue(refusal(flags, "http://169.254.169.254").contains("a link-local address"), "metadata needs a network");
        assertTrue(refusal(flags, "http://0.0.0.0").contains("an unspecified address"));
    }

    @Test
    void aBadNetworkStopsTheStartNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> guard(Map.of("omniforge.security.agent-urls.allowed-networks", "10.0.0.0/33")));
        assertEquals("omniforge.security.agent-urls.allowed-networks: '10.0.0.0/33': the prefix length must be 0 to 32",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> guard(Map.of("omniforge.security.agent-urls.allowed-networks", "intranet.example/8")));
    }
}
