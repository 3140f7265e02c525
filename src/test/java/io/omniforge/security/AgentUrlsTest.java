package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Agent URLs registered at run time, through the management API. The test profile allows loopback only
 * ({@code 127.0.0.0/8} and {@code ::1}), so every other kind of address is refused as in production, and the test
 * agents on this server's loopback port can try redirects.
 */
@QuarkusTest
class AgentUrlsTest {

    private static String local(String path) {
        return "http://127.0.0.1:" + RestAssured.port + path;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://10.1.2.3:8080                    | 10.1.2.3, a private address",
            "http://172.31.255.1                     | 172.31.255.1, a private address",
            "http://192.168.1.10                     | 192.168.1.10, a private address",
            "http://100.64.0.1                       | 100.64.0.1, a private address",
            "http://[fd00:ec2::254]                  | fd00:ec2:0:0:0:0:0:254, a private address",
            "http://169.254.169.254/latest/meta-data | 169.254.169.254, a link-local address (where cloud metadata",
            "http://[fe80::1]:8080                   | fe80:0:0:0:0:0:0:1, a link-local address",
            "http://[::ffff:169.254.169.254]         | 169.254.169.254, a link-local address",
            "http://[64:ff9b::a9fe:a9fe]             | 64:ff9b:0:0:0:0:a9fe:a9fe, a link-local address",
            "http://0.0.0.0:8080                     | 0.0.0.0, an unspecified address",
            "http://[::]:8080                        | 0:0:0:0:0:0:0:0, an unspecified address",
            "http://224.0.0.1                        | 224.0.0.1, a multicast address",
            "http://255.255.255.255                  | 255.255.255.255, a reserved address"})
    void refusedAddresses(String url, String why) {
        given().contentType("application/json").body(Map.of("name", "refused", "url", url)).post("/api/v1/agents")
                .then().statusCode(400)
                .body("error.details[0].reason", equalTo("INVALID_PARAMS"))
                .body("error.message", containsString("agent URL " + url + " resolves to " + why))
                .body("error.message", containsString("allow it with omniforge.security.agent-urls.allowed-networks"));
        given().get("/api/v1/agents/refused").then().statusCode(404);
    }

    @ParameterizedTest
    @CsvSource({"file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/agent", "http:/no-host"})
    void onlyHttpUrls(String url) {
        given().contentType("application/json").body(Map.of("name", "refused", "url", url)).post("/api/v1/agents")
                .then().statusCode(400).body("error.message", containsString("must be an absolute http(s) URL"));
    }

    @Test
    void loopbackIsAllowedHereAndSaysHowItWouldBeAllowedElsewhere() {
        // Allowed by the test profile: registering the demo agent at its loopback address works.
        given().contentType("application/json").body(Map.of("name", "echo-loopback", "url", local("/demo/echo")))
                .post("/api/v1/agents").then().statusCode(201);
        given().delete("/api/v1/agents/echo-loopback").then().statusCode(204);
    }

    @Test
    void aCardThatNamesARefusedJsonRpcUrlIsRefused() {
        given().contentType("application/json").body(Map.of("name", "metadata", "url", local(UrlTestAgents.BASE + "metadata")))
                .post("/api/v1/agents").then().statusCode(400)
                .body("error.message", equalTo("agent URL http://169.254.169.254/a2a resolves to 169.254.169.254, a"
                        + " link-local address (where cloud metadata services answer); allow it with"
                        + " omniforge.security.agent-urls.allowed-networks"));
    }

    @Test
    void aRedirectedCardIsNotFollowed() {
        int before = UrlTestAgents.ELSEWHERE.get();
        given().contentType("application/json").body(Map.of("name", "moved", "url", local(UrlTestAgents.BASE + "moved")))
                .post("/api/v1/agents").then().statusCode(400)
                .body("error.message", containsString("answered HTTP 302 (a redirect to http://"))
                .body("error.message", containsString("elsewhere/.well-known/agent-card.json, not followed)"));
        assertEquals(before, UrlTestAgents.ELSEWHERE.get(), "the redirect target got no request");
    }

    @Test
    void aRedirectedCallIsNotFollowed() {
        given().contentType("application/json").body(Map.of("name", "redirecting", "url",
                local(UrlTestAgents.BASE + "redirecting"))).post("/api/v1/agents").then().statusCode(201);
        try {
            int before = UrlTestAgents.ELSEWHERE.get();
            JsonNode error = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("go elsewhere", "redirecting"))).path("error");
            assertEquals(-32006, error.path("code").asInt(), error.toString());
            assertTrue(error.path("message").asText().contains("answered HTTP 302 (a redirect to http://"), error.toString());
            assertTrue(error.path("message").asText().contains("elsewhere/a2a, not followed)"), error.toString());
            assertEquals(before, UrlTestAgents.ELSEWHERE.get(), "the redirect target got no request");
        } finally {
            given().delete("/api/v1/agents/redirecting").then().statusCode(204);
        }
    }
}
