package io.omniforge.security;

import static io.omniforge.security.SecurityTest.as;
import static io.omniforge.security.SecurityTest.rpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request rate limits per tenant and per caller, as configuration sets them (here per minute, so that nothing refills
 * during a test): 429 with {@code Retry-After}, in the shape of each endpoint (JSON-RPC -32052, HTTP+JSON and the
 * management API RESOURCE_EXHAUSTED / RATE_LIMITED), a caller over its own limit leaving its tenant's alone, and a
 * flow's own loopback calls not counted again.
 */
@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
class RateLimitTest {

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "omniforge.rate-limits.tenants.tenant-a.requests", "6",
                    "omniforge.rate-limits.tenants.tenant-a.per", "1M",
                    "omniforge.rate-limits.callers.alice.requests", "3",
                    "omniforge.rate-limits.callers.alice.per", "1M",
                    "omniforge.rate-limits.tenants.tenant-b.requests", "2",
                    "omniforge.rate-limits.tenants.tenant-b.per", "1M");
        }
    }

    private static JsonNode body(Response r) {
        return Rpc.read(r.asString());
    }

    private static void limited(Response r, String limit) {
        assertEquals(429, r.statusCode(), r.asString());
        long retry = Long.parseLong(r.header("Retry-After"));
        assertTrue(retry >= 1 && retry <= 60, "Retry-After in seconds, within the minute: " + retry);
        JsonNode info = body(r).at("/error/data/0");
        if (info.isMissingNode()) {
            info = body(r).at("/error/details/0");
        }
        assertEquals("RATE_LIMITED", info.path("reason").asText(), r.asString());
        assertEquals(limit, info.at("/metadata/limit").asText(), r.asString());
        assertEquals(Long.toString(retry), info.at("/metadata/retryAfterSeconds").asText(), r.asString());
    }

    @Test
    void aCallerOverItsLimitIsRefusedWithoutUsingUpItsTenants() {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, rpc(SecurityTest.ALICE, "ListTasks", Map.of()).statusCode());
        }
        Response refused = rpc(SecurityTest.ALICE, "ListTasks", Map.of());
        limited(refused, "caller");
        JsonNode error = body(refused).get("error");
        assertEquals(-32052, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("caller 'alice'"), error.toString());
        if (A2aSchema.available()) {
            A2aSchema.assertValidJsonRpcError(body(refused));
        }
        // Refused again on the other bindings, in their shapes; none of it counts against tenant-a.
        Response rest = as(SecurityTest.ALICE).get("/tasks?pageSize=1");
        limited(rest, "caller");
        assertEquals("RESOURCE_EXHAUSTED", body(rest).at("/error/status").asText());
        limited(as(SecurityTest.ALICE).get("/api/v1/threads"), "caller");

        // tenant-a has 3 of its 6 left: the operator uses them, then the tenant's limit refuses.
        for (int i = 0; i < 3; i++) {
            assertEquals(200, rpc(SecurityTest.OPERATOR, "ListTasks", Map.of()).statusCode(), "request " + i);
        }
        Response tenant = rpc(SecurityTest.VIEWER, "ListTasks", Map.of());
        limited(tenant, "tenant");
        assertTrue(body(tenant).at("/error/message").asText().contains("tenant 'tenant-a'"), tenant.asString());
        // The cards and health are not limited.
        assertEquals(200, as(SecurityTest.VIEWER).get("/.well-known/agent-card.json").statusCode());
        assertEquals(200, as(SecurityTest.VIEWER).get("/q/health/live").statusCode());
    }

    @Test
    void aFlowsLoopbackCallsAreNotCountedAgain() {
        // nested = pipeline (itself a flow: echo, echo) then billing: several loopback calls, one request.
        for (int i = 0; i < 2; i++) {
            Response r = as(SecurityTest.BOB).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("count me", null))))
                    .post("/flows/nested/a2a");
            JsonNode b = body(r);
            assertEquals(200, r.statusCode(), b.toString());
            assertFalse(b.has("error"), b.toString());
            assertEquals("TASK_STATE_COMPLETED", b.at("/result/task/status/state").asText(), b.toString());
        }
        limited(as(SecurityTest.BOB).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("one too many", null))))
                .post("/flows/nested/a2a"), "tenant");
    }
}
