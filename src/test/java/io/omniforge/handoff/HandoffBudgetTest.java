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
            return Map.of("omniforge.handoff.max-per-thread", "2", "omniforge.handoff.window", "10m");
        }
    }

    private static io.restassured.response.Response handOff(String context, String to) {
        return given().contentType("application/json").body(Map.of("to", to))
                .post("/api/v1/threads/" + context + "/handoffs");
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
