package io.omniforge.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.BreakingAgent;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A downstream stream that breaks midway is recovered at the agent, for one agent and inside an orchestration. */
@QuarkusTest
class RecoveryTest {

    private static boolean registered;

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        String base = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().extract().path("supportedInterfaces[0].url")
                .toString().replace("/a2a", "");
        int status = given().contentType("application/json")
                .body(Map.of("name", "breaking", "url", base + BreakingAgent.PATH)).post("/api/v1/agents")
                .then().extract().statusCode();
        assertTrue(status == 201 || status == 409, "registered: " + status);
    }

    @Test
    void aBrokenStreamIsRecoveredWithGetTask() {
        int before = BreakingAgent.GET_TASKS.get();
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("hi", "breaking"))).path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals("recovered", Rpc.artifactText(task));
        assertTrue(BreakingAgent.GET_TASKS.get() > before, "the answer came from GetTask at the agent");
    }

    @Test
    void aBrokenLegIsRecoveredToo() {
        Map<String, Object> message = new java.util.LinkedHashMap<>(Rpc.message("hi", null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("breaking", "echo"))));
        JsonNode task = Rpc.call("/a2a", "SendMessage", Map.of("message", message)).path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        String synthesis = task.path("artifacts").toString();
        assertTrue(synthesis.contains("## breaking\\nrecovered"), synthesis);
    }

    @Test
    void anUnrecoverableBreakStillEndsTheTask() {
        // The flaky agent's task fails when its stream breaks: recovered as FAILED, never a hung stream.
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("fail:break-stream", "flaky")))
                .path("result").path("task");
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
    }
}
