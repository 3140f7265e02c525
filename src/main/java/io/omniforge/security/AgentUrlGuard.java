package io.omniforge.security;

import io.omniforge.a2a.A2aException;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides whether the orchestrator may send requests to an agent URL registered at run time: http(s) only, and
 * every address its host resolves to must be allowed ({@code omniforge.security.agent-urls.*}). By default that is
 * public addresses only, so that registering an agent cannot make the orchestrator call its own loopback services,
 * a cloud metadata service (169.254.169.254) or the private network behind it. Host names are resolved on a worker
 * thread, never on an event loop.
 */
@Startup
@ApplicationScoped
public class AgentUrlGuard {

    static final String PREFIX = "omniforge.security.agent-urls.";

    /** What kind of address a host resolved to, and how the refusal reads. */
    enum Kind {
        PUBLIC(null),
        LOOPBACK("a loopback address"),
        LINK_LOCAL("a link-local address (where cloud metadata services answer)"),
        PRIVATE("a private address"),
        UNSPECIFIED("an unspecified address"),
        MULTICAST("a multicast address"),
        RESERVED("a reserved address");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** RFC 1918, shared address space (carrier-grade NAT), unique local and the old site-local IPv6 addresses. */
    private static final List<Cidr> PRIVATE_NETWORKS = Stream.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "fc00::/7", "fec0::/10").map(Cidr::parse).toList();
    private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
    private static final Cidr RESERVED = Cidr.parse("240.0.0.0/4");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");

    private final Vertx vertx;
    private final List<Cidr> networks;
    private final List<String> hosts;
    private final boolean loopback;
    private final boolean privateNetworks;

    public AgentUrlGuard(AgentUrlConfig config, Vertx vertx) {
        this.vertx = vertx;
        try {
            this.networks = config.allowedNetworks().orElse(List.of()).stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "allowed-networks: " + e.getMessage(), e);
        }
        this.hosts = config.allowedHosts().orElse(List.of()).stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        this.loopback = config.allowLoopback();
        this.privateNetworks = config.allowPrivate();
    }

    /**
     * Completes when the orchestrator may call {@code url}; fails with -32602 (HTTP 400 on the management API)
     * saying which address is refused and which key would allow it.
     */
    public Uni<Void> check(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return refuse("agent URL '" + url + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return refuse("agent URL '" + url + "' must be an absolute http(s) URL");
        }
        String host = uri.getHost();
        if (allowedHost(host)) {
            return Uni.createFrom().voidItem();
        }
        return vertx.executeBlocking(() -> InetAddress.getAllByName(host), false)
                .onFailure(UnknownHostException.class)
                .transform(f -> A2aException.invalidParams("agent URL " + url + ": host '" + host + "' does not resolve"))
                .invoke(addresses -> {
                    for (InetAddress address : addresses) {
                        refusal(url, address).ifPresent(why -> {
                            throw A2aException.invalidParams(why);
                        });
                    }
                })
                .replaceWithVoid();
    }

    /** Why an address of {@code url} is refused, or empty when it is allowed. */
    Optional<String> refusal(String url, InetAddress address) {
        if (networks.stream().anyMatch(n -> n.contains(address))) {
            return Optional.empty();
        }
        Kind kind = kind(address);
        if (kind == Kind.PUBLIC || kind == Kind.LOOPBACK && loopback || kind == Kind.PRIVATE && privateNetworks) {
            return Optional.empty();
        }
        String flag = kind == Kind.LOOPBACK ? " (or " + PREFIX + "allow-loopback)"
                : kind == Kind.PRIVATE ? " (or " + PREFIX + "allow-private)" : "";
        return Optional.of("agent URL " + url + " resolves to " + address.getHostAddress() + ", " + kind.description
                + "; allow it with " + PREFIX + "allowed-networks" + flag);
    }

    private boolean allowedHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return hosts.stream().anyMatch(allowed -> allowed.startsWith("*.")
                ? h.endsWith(allowed.substring(1)) || h.equals(allowed.substring(2)) : h.equals(allowed));
    }

    /** The kind of an address; an IPv6 address that carries an IPv4 one (NAT64, IPv4-compatible) is that one's kind. */
    static Kind kind(InetAddress address) {
        if (address instanceof Inet6Address && (NAT64.contains(address) || IPV4_COMPATIBLE.contains(address))
                && !address.isAnyLocalAddress() && !address.isLoopbackAddress()) {
            try {
                return kind(InetAddress.getByAddress(Arrays.copyOfRange(address.getAddress(), 12, 16)));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        if (address.isAnyLocalAddress() || THIS_NETWORK.contains(address)) {
            return Kind.UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return Kind.LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return Kind.LINK_LOCAL;
        }
        if (address.isMulticastAddress()) {
            return Kind.MULTICAST;
        }
        if (PRIVATE_NETWORKS.stream().anyMatch(n -> n.contains(address))) {
            return Kind.PRIVATE;
        }
        if (RESERVED.contains(address)) {
            return Kind.RESERVED;
        }
        return Kind.PUBLIC;
    }

    private static Uni<Void> refuse(String why) {
        return Uni.createFrom().failure(A2aException.invalidParams(why));
    }
}
