package io.omniforge.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A downstream call that fails is timed under its own outcome, per agent, beside the ones that succeed. */
@QuarkusTest
class AgentCallMetricsTest {

    @Test
    void aFailedCallIsCountedUnderItsOutcome() {
        Map<String, String> failed = Map.of("agent", "flaky", "method", "SendStreamingMessage", "outcome", "remote_error");
        Map<String, String> succeeded = Map.of("agent", "flaky", "method", "SendStreamingMessage", "outcome", "success");
        List<Metrics.Sample> start = Metrics.scrape();
        double before = Metrics.value(start, "omniforge_agent_calls_seconds_count", failed);
        double successesBefore = Metrics.value(start, "omniforge_agent_calls_seconds_count", succeeded);

        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("fail:error", "flaky")))
                .path("result").path("task");
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());

        List<Metrics.Sample> samples = Metrics.scrape();
        assertEquals(before + 1, Metrics.value(samples, "omniforge_agent_calls_seconds_count", failed),
                Metrics.own(samples).toString());
        assertTrue(Metrics.value(samples, "omniforge_agent_calls_seconds_sum", failed) > 0);
        assertEquals(successesBefore, Metrics.value(samples, "omniforge_agent_calls_seconds_count", succeeded),
                "the failed call is not a success");
    }
}
