package io.omniforge.handoff;

import static io.restassured.RestAssured.given;
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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The loop guard of a thread: at most two handoffs in its window here; the third is refused naming the budget. */
@QuarkusTest
@TestProfile(HandoffBudgetTest.Budgeted.class)
class HandoffBudgetTest {

    public static class Budgeted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.handoff.max-per-thread", "2", "omniforge.handoff.window", "10m",
                    "omniforge.handoff.max-per-task", "1");
        }
    }

    private static io.restassured.response.Response handOff(String context, String to) {
        return given().contentType("application/json").body(Map.of("to", to))
                .post("/api/v1/threads/" + context + "/handoffs");
    }

    @Test
    void aTasksSecondHandoffPastItsBudgetIsRefusedAndTheTaskEndsWithTheAgentThatHasIt() {
        String base = "http://localhost:" + io.restassured.RestAssured.port + io.omniforge.support.HandoffTestAgents.PATH;
        for (String name : List.of("oneway", "oneway2", "sink")) {
            String url = base + (name.equals("oneway2") ? "oneway" : name);
            int status = given().contentType("application/json").body(Map.of("name", name, "url", url))
                    .post("/api/v1/agents").then().extract().statusCode();
            assertTrue(status == 201 || status == 409, name + ": " + status);
        }
        try (LogCapture logs = LogCapture.install()) {
            // oneway hands the task to oneway2 (one handoff), which asks to hand it on to sink: the second.
            JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("to:oneway2 please", "oneway")))
                    .path("result").path("task");
            assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
            String said = task.path("status").path("message").path("parts").get(0).path("text").asText();
            assertTrue(said.contains("oneway2 asked to hand the conversation to sink, which was refused: the task's"
                    + " budget of handoffs is spent: it has made 1 (omniforge.handoff.max-per-task=1)"), said);
            assertEquals(1, logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                    && "budget.exhausted".equals(l.mdc().get(AuditLog.EVENT))
                    && "handoffs-per-task".equals(l.mdc().get("budget"))).count(), logs.lines().toString());
        }
    }

    @Test
    void theHandoffPastTheThreadsBudgetIsRefusedAndAudited() {
        String context = "budget-" + UUID.randomUUID();
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("hello", "echo"));
        m.put("contextId", context);
        Rpc.call("/a2a", "SendMessage", Map.of("message", m));
        assertEquals(201, handOff(context, "billing").statusCode());
        assertEquals(201, handOff(context, "triage").statusCode());
        try (LogCapture logs = LogCapture.install()) {
            JsonNode refused = Rpc.read(handOff(context, "billing").then().statusCode(409).extract().asString());
            String why = refused.at("/error/message").asText();
            assertTrue(why.contains("budget of handoffs is spent: 2 in the last 10m")
                    && why.contains("omniforge.handoff.max-per-thread=2"), why);
            List<LogCapture.Line> audits = logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                    && "budget.exhausted".equals(l.mdc().get(AuditLog.EVENT))).toList();
            assertEquals(1, audits.size(), logs.lines().toString());
            assertEquals("handoffs-per-thread", audits.get(0).mdc().get("budget"));
            assertEquals(context, audits.get(0).mdc().get("thread_id"));
        }
        // A refusal does not count: the budget stays spent, but no further; another thread has its own.
        assertEquals(409, handOff(context, "billing").statusCode());
        String other = "budget-" + UUID.randomUUID();
        Map<String, Object> o = new LinkedHashMap<>(Rpc.message("hello", "echo"));
        o.put("contextId", other);
        Rpc.call("/a2a", "SendMessage", Map.of("message", o));
        assertEquals(201, handOff(other, "billing").statusCode());
    }
}
