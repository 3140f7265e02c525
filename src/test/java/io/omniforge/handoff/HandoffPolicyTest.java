package io.omniforge.handoff;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A stricter policy: triage may hand off only to echo, and no handoff may be deeper than zero. */
@QuarkusTest
@TestProfile(HandoffPolicyTest.Strict.class)
class HandoffPolicyTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.handoff.allow.triage", "echo", "omniforge.handoff.max-depth", "0");
        }
    }

    @Test
    void anAgentsRefusedHandoffEndsWithThatAgentAndSaysWhy() {
        String context = "policy-" + UUID.randomUUID();
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("I need a refund", null));
        m.put("contextId", context);
        JsonNode task = Rpc.call("/a2a", "SendMessage", Map.of("message", m)).path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText());
        String why = task.path("status").path("message").path("parts").path(0).path("text").asText();
        assertTrue(why.contains("refused") && why.contains("omniforge.handoff.allow.triage"), why);
        assertTrue(Rpc.artifactText(task).startsWith("triage"), "triage's own answer is kept: " + task);
        JsonNode thread = Rpc.read(given().get("/api/v1/threads/" + context).then().extract().asString());
        assertEquals("triage", thread.path("activeAgent").asText());
        assertEquals("rejected", Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().extract()
                .asString()).get(0).path("state").asText());
    }

    @Test
    void depthBeyondTheLimitIsRefused() {
        String context = "depth-" + UUID.randomUUID();
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("hello", "billing"));
        m.put("contextId", context);
        Rpc.call("/a2a", "SendMessage", Map.of("message", m));
        JsonNode error = Rpc.read(given().contentType("application/json").body(Map.of("to", "triage"))
                .post("/api/v1/threads/" + context + "/handoffs").then().statusCode(409).extract().asString());
        assertTrue(error.path("error").path("message").asText().contains("1 deep; the limit is 0"), error.toString());
    }
}
