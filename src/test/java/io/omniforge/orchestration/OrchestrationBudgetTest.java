package io.omniforge.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.LogCapture;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget of agent calls of an orchestration (two here): a leg past it is not called and fails naming it, and a
 * flow called inside an orchestration spends what its parent has left.
 */
@QuarkusTest
@TestProfile(OrchestrationBudgetTest.Budgeted.class)
class OrchestrationBudgetTest {

    public static class Budgeted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.orchestration.max-agent-calls", "2");
        }
    }

    private static JsonNode orchestrate(Map<String, Object> spec) {
        Map<String, Object> message = new LinkedHashMap<>(Rpc.message("hello", null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, spec));
        return Rpc.call("/a2a", "SendMessage", Map.of("message", message)).path("result").path("task");
    }

    @Test
    void aLegPastTheBudgetIsNotCalledAndFailsNamingIt() {
        try (LogCapture logs = LogCapture.install()) {
            JsonNode task = orchestrate(Map.of("strategy", "sequential", "agents", List.of("echo", "echo", "echo")));
            assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
            JsonNode legs = task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
            assertEquals("TASK_STATE_COMPLETED", legs.get(1).path("state").asText(), legs.toString());
            String why = legs.get(2).path("error").asText();
            assertTrue(why.contains("agent 'echo' was not called: the orchestration's budget of 2 agent calls is spent"
                    + " (omniforge.orchestration.max-agent-calls=2"), legs.toString());
            assertEquals(1, logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                    && "budget.exhausted".equals(l.mdc().get(AuditLog.EVENT))
                    && "agent-calls-per-orchestration".equals(l.mdc().get("budget"))).count(), logs.lines().toString());
        }
    }

    @Test
    void aNestedFlowSpendsWhatItsParentHasLeft() {
        // nested = pipeline (a flow of echo, echo), then billing. The pipeline leg is the parent's first call, so
        // the pipeline gets one call: its first echo. Then billing is the parent's second.
        JsonNode task = orchestrate(Map.of("flow", "nested"));
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        JsonNode legs = task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
        legs.forEach(l -> assertEquals("TASK_STATE_COMPLETED", l.path("state").asText(), legs.toString()));
        boolean nestedSpent = false;
        for (JsonNode t : Rpc.call("/a2a", "ListTasks", Map.of("pageSize", 100)).path("result").path("tasks")) {
            JsonNode entry = t.path("metadata").path(Rpc.AGENT_KEY);
            if ("pipeline".equals(entry.path("flow").asText()) && entry.path("legs").size() == 2) {
                nestedSpent |= entry.path("legs").get(1).path("error").asText()
                        .contains("the orchestration's budget of 1 agent calls is spent");
            }
        }
        assertTrue(nestedSpent, "the pipeline flow inside had one call left, not a budget of its own");
    }
}
