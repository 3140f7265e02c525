package io.omniforge.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The longest one agent may work on one turn of a task: a turn still running at its limit ends FAILED, naming the
 * limit, and the agent's task is canceled there; a request may ask for less than the agent's limit, never more.
 * The slow demo agent streams its artifact in chunks for as long as it is told, as an agent that streams WORKING
 * forever would.
 */
@QuarkusTest
class TaskDurationTest {

    private static Map<String, Object> limited(String text, Object maxDuration) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, "slow"));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("agent", "slow", "maxDuration", maxDuration)));
        return m;
    }

    @Test
    void aTurnStillRunningAtItsLimitFailsNamingItAndIsCanceledAtTheAgent() {
        String marker = "overrun-" + UUID.randomUUID();
        JsonNode response = Rpc.call("/a2a", "SendMessage", Rpc.send(limited("delay:60000 " + marker, "1s")));
        JsonNode task = response.get("result").get("task");
        if (A2aSchema.available()) {
            A2aSchema.assertValid("Task", task);
        }
        assertEquals("TASK_STATE_FAILED", task.at("/status/state").asText(), response.toString());
        String why = task.at("/status/message/parts/0/text").asText();
        assertTrue(why.contains("limit of 1s") && why.contains("maxDuration") && why.contains("canceled at the agent"),
                why);
        assertFalse(Rpc.stillRuns("slow", marker, 5_000), "the slow agent still runs a task the gateway gave up");

        // The task stays failed: the agent's later chunks (if any were on the way) change nothing.
        JsonNode got = Rpc.call("/a2a", "GetTask", Map.of("id", task.get("id").asText())).get("result");
        assertEquals("TASK_STATE_FAILED", got.at("/status/state").asText());
    }

    @Test
    void aTurnWithinItsLimitIsNotTouched() {
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(limited("delay:300 quick", 30_000)))
                .get("result").get("task");
        assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), task.toString());
    }

    @Test
    void aLimitThatIsNoDurationOrAboveTheAgentsIsRefusedBeforeAnythingRuns() {
        for (Object bad : new Object[] {"soon", -5, "0s"}) {
            JsonNode error = Rpc.call("/a2a", "SendMessage", Rpc.send(limited("delay:100", bad))).get("error");
            assertEquals(-32602, error.get("code").asInt(), String.valueOf(bad));
            assertTrue(error.get("message").asText().contains("maxDuration"), error.toString());
        }
        JsonNode above = Rpc.call("/a2a", "SendMessage", Rpc.send(limited("delay:100", "2h"))).get("error");
        assertEquals(-32602, above.get("code").asInt());
        assertTrue(above.get("message").asText().contains("omniforge.gateway.max-task-duration"), above.toString());
    }
}
