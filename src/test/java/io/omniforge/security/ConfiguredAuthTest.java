package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static io.omniforge.security.SecurityTest.error;
import static io.omniforge.security.SecurityTest.result;
import static io.omniforge.security.SecurityTest.rpc;
import static io.omniforge.security.SecurityTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Authentication as configuration shapes it, beyond the defaults the other suites run with: anonymous callers let in
 * with a tenant and roles of the operator's choosing (and the card then requires nothing), and JWTs whose tenant and
 * roles come from other claims, a roles claim given as a string, and a default tenant for tokens without one.
 */
@QuarkusTest
@TestProfile(ConfiguredAuthTest.Configured.class)
class ConfiguredAuthTest {

    public static class Configured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "omniforge.security.anonymous.enabled", "true",
                    "omniforge.security.anonymous.tenant", "guests",
                    "omniforge.security.anonymous.roles", "viewer",
                    "omniforge.security.jwt.tenant-claim", "org",
                    "omniforge.security.jwt.roles-claim", "perms",
                    "omniforge.security.jwt.default-tenant", "jwt-default");
        }
    }

    private static String jwt(String org, Object perms) throws Exception {
        Map<String, Object> claims = new LinkedHashMap<>(SecurityTest.claims(null, List.of(), 600));
        claims.remove("groups");
        if (org != null) {
            claims.put("org", org);
        }
        claims.put("perms", perms);
        return SecurityTest.jwt(claims);
    }

    @Test
    void anonymousCallersGetTheConfiguredTenantAndRolesAndTheCardRequiresNothing() throws Exception {
        JsonNode card = Rpc.read(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200).extract()
                .asString());
        assertFalse(card.has("securityRequirements"), "anonymous access is allowed: nothing is required " + card);
        assertTrue(card.path("securitySchemes").has("apiKey"), "the schemes are still declared: " + card);

        // A viewer reads, and may not send.
        Response send = rpc(null, "SendMessage", Rpc.send(Rpc.message("hello", "echo")));
        assertEquals(403, send.statusCode(), send.asString());
        assertTrue(Rpc.read(send.asString()).get("error").get("message").asText().contains("THREADS_WRITE"),
                send.asString());
        assertEquals(200, rpc(null, "ListTasks", Map.of()).statusCode());

        // The tenant is 'guests': what a JWT of that tenant stores, anonymous callers see; one of another tenant, not.
        String guestWriter = jwt("guests", List.of("user"));
        String inGuests = send(guestWriter, "for guests", "echo").get("id").asText();
        assertEquals(inGuests, result(null, "GetTask", Map.of("id", inGuests)).get("id").asText());
        String elsewhere = send(jwt("tenant-z", List.of("user")), "not for guests", "echo").get("id").asText();
        assertEquals(-32001, error(null, "GetTask", Map.of("id", elsewhere)).get("code").asInt());

        // A wrong credential is refused even though anonymous callers are let in.
        assertEquals(401, rpc("not-a-key", "ListTasks", Map.of()).statusCode());
    }

    @Test
    void aJwtsTenantAndRolesComeFromTheConfiguredClaims() throws Exception {
        // Roles as one space-separated string in the configured claim: 'operator' may register agents.
        String operator = jwt("org-1", "viewer operator");
        Response registered = SecurityTest.as(operator).body(Map.of("name", "cfg-echo",
                "url", "http://127.0.0.1:" + io.restassured.RestAssured.port + "/demo/echo"))
                .post("/api/v1/agents");
        assertEquals(201, registered.statusCode(), registered.asString());
        SecurityTest.as(operator).delete("/api/v1/agents/cfg-echo").then().statusCode(204);

        // The 'groups' claim the defaults read means nothing here: a token naming 'admin' only there has no role.
        Map<String, Object> claims = new LinkedHashMap<>(SecurityTest.claims(null, List.of("admin"), 600));
        claims.put("org", "org-1");
        Response nothing = rpc(SecurityTest.jwt(claims), "ListTasks", Map.of());
        assertEquals(403, nothing.statusCode(), nothing.asString());

        // Without the tenant claim the token falls in the default tenant, and sees only that tenant's tasks.
        String noOrg = jwt(null, List.of("user"));
        String task = send(noOrg, "default tenant", "echo").get("id").asText();
        String sameDefault = jwt("jwt-default", List.of("viewer"));
        assertEquals(task, result(sameDefault, "GetTask", Map.of("id", task)).get("id").asText());
        assertEquals(-32001, error(jwt("org-1", List.of("viewer")), "GetTask", Map.of("id", task)).get("code").asInt());
    }
}
