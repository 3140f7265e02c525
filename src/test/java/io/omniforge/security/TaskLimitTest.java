package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Concurrent-task limits per tenant and per caller: the next task over a limit is refused at once, naming it, and
 * a task that ends gives its place back (here by CancelTask, which ends a slow agent's task at once).
 */
@QuarkusTest
@TestProfile(TaskLimitTest.Limited.class)
class TaskLimitTest {

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.rate-limits.tenant.concurrent-tasks", "2",
                    "omniforge.rate-limits.callers.operator.concurrent-tasks", "1");
        }
    }

    private static RequestSpecification as(String key) {
        RequestSpecification spec = given().contentType("application/json").header("A2A-Version", "1.0");
        return key == null ? spec : spec.header("Authorization", "Bearer " + key);
    }

    /** A slow task started for {@code key} (null: the anonymous admin): the answer, task or error. */
    private static JsonNode slow(String key) {
        Map<String, Object> params = Map.of("message", Rpc.message("delay:30000", "slow"),
                "configuration", Map.of("returnImmediately", true));
        return Rpc.read(as(key).body(Rpc.request("SendMessage", params)).post("/a2a").asString());
    }

    private static void cancel(String key, JsonNode started) {
        String id = started.path("result").path("task").path("id").asText();
        JsonNode canceled = Rpc.read(as(key).body(Rpc.request("CancelTask", Map.of("id", id))).post("/a2a").asString());
        assertEquals("TASK_STATE_CANCELED", canceled.path("result").path("status").path("state").asText(), canceled.toString());
    }

    private static void assertRefused(JsonNode answer, String whose, String limit) {
        assertEquals(-32052, answer.path("error").path("code").asInt(), answer.toString());
        String message = answer.path("error").path("message").asText();
        assertTrue(message.contains(whose) && message.contains(".concurrent-tasks"), message);
        assertTrue(answer.path("error").toString().contains("\"limit\":\"" + limit + "\""), answer.toString());
    }

    @Test
    void aCallerAtItsLimitIsRefusedUntilOneOfItsTasksEnds() {
        JsonNode first = slow(SecurityTest.OPERATOR);
        assertTrue(first.has("result"), first.toString());
        assertRefused(slow(SecurityTest.OPERATOR), "caller 'operator' has 1 task running", "caller-tasks");
        cancel(SecurityTest.OPERATOR, first);
        JsonNode again = slow(SecurityTest.OPERATOR);
        assertTrue(again.has("result"), "the ended task gave its place back: " + again);
        cancel(SecurityTest.OPERATOR, again);
    }

    @Test
    void aTenantAtItsLimitIsRefusedUntilOneOfItsTasksEnds() {
        List<JsonNode> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode started = slow(null);
            assertTrue(started.has("result"), started.toString());
            running.add(started);
        }
        assertRefused(slow(null), "tenant 'default' has 2 tasks running", "tenant-tasks");
        cancel(null, running.remove(0));
        JsonNode again = slow(null);
        assertTrue(again.has("result"), "the ended task gave its place back: " + again);
        running.add(again);
        running.forEach(t -> cancel(null, t));
    }
}
