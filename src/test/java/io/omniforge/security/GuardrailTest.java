package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.LogCapture;
import io.omniforge.support.AgentInbox;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Guardrails refuse a crossing instead of redacting it: a pipeline's next stage is not called and fails with the rule
 * named, an agent's handoff is rejected with the rule named, a receiving agent of a trust level the rule leaves out gets
 * the content, and every refusal is audited without the content. Real demo agents; what they receive is recorded by
 * {@link AgentInbox}.
 */
@QuarkusTest
@TestProfile(GuardrailTest.Guarded.class)
class GuardrailTest {

    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "omniforge.guardrails.falcon.pattern", "(?i)project\\s+falcon",
                    "omniforge.guardrails.falcon.description", "Falcon is internal",
                    "omniforge.guardrails.falcon.trust", "standard,strict",
                    "omniforge.sanitizer.agents.echo.trust", "trusted");
        }
    }

    @Inject
    AgentInbox inbox;

    private static JsonNode send(Map<String, Object> message) {
        return Rpc.call("/a2a", "SendMessage", Map.of("message", message)).path("result").path("task");
    }

    private static Map<String, Object> pipeline(String text, List<String> agents) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "sequential", "agents", agents)));
        return m;
    }

    @Test
    void aPipelinesNextStageIsNotCalledWithRefusedContent() {
        long mark = inbox.mark();
        try (LogCapture logs = LogCapture.install()) {
            JsonNode task = send(pipeline("notes on Project Falcon " + UUID.randomUUID(), List.of("echo", "billing")));
            // Best effort (the default policy): the refused stage is skipped, and the answer says why.
            assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), task.toString());
            assertTrue(task.at("/status/message/parts/0/text").asText().contains("guardrail 'falcon'"), task.toString());
            JsonNode legs = task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
            assertEquals("TASK_STATE_COMPLETED", legs.get(0).path("state").asText(), legs.toString());
            String why = legs.get(1).path("error").asText();
            assertTrue(why.contains("guardrail 'falcon' (Falcon is internal)") && why.contains("agent 'billing'"), why);
            assertTrue(inbox.bodies("billing", mark).isEmpty(), "billing was called: " + inbox.bodies("billing", mark));

            List<LogCapture.Line> refused = logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                    && "guardrail.refused".equals(l.mdc().get(AuditLog.EVENT))).toList();
            assertEquals(1, refused.size(), logs.lines().toString());
            assertEquals("falcon", refused.get(0).mdc().get("guardrail"));
            assertEquals("billing", refused.get(0).mdc().get("to"));
            assertFalse(refused.get(0).all().toLowerCase().contains("project falcon"), "the content was logged");
        }
    }

    @Test
    void aTrustedAgentIsLeftOutOfARuleForStandardAndStrict() {
        JsonNode task = send(pipeline("Project Falcon twice", List.of("echo", "echo")));
        assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), task.toString());
        assertTrue(Rpc.artifactText(task).contains("echo: echo: Project Falcon twice"), task.toString());
    }

    @Test
    void anAgentsHandoffWithRefusedContentIsRejectedNamingTheRule() {
        long mark = inbox.mark();
        String context = "guarded-" + UUID.randomUUID();
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("I need a refund for invoice 42 of Project Falcon", null));
        m.put("contextId", context);
        send(m);
        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200)
                .extract().asString());
        JsonNode toBilling = history.get(0);
        assertEquals("billing", toBilling.path("to").asText(), history.toString());
        assertEquals("rejected", toBilling.path("state").asText(), history.toString());
        assertTrue(toBilling.path("detail").asText().contains("guardrail 'falcon'"), history.toString());
        assertFalse(String.join("\n", inbox.bodies("billing", mark)).toLowerCase().contains("falcon"),
                "billing received the refused content");
    }
}
