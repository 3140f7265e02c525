package io.omniforge.handoff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every crossing goes through the ContextSanitizer: a handoff's context, a pipeline's hand-over, a synthesizer's input. */
@QuarkusTest
class SanitizerCrossingTest {

    private static String billingOutput(JsonNode task) {
        StringBuilder sb = new StringBuilder();
        task.path("artifacts").forEach(a -> {
            if ("billing".equals(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText())) {
                a.path("parts").forEach(p -> sb.append(p.path("text").asText("")));
            }
        });
        return sb.toString();
    }

    @Test
    void aHandoffsContextIsSanitized() {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("refund for invoice 7, my card is CANARY-4242", null));
        m.put("contextId", "sanitizer-" + UUID.randomUUID());
        JsonNode task = Rpc.call("/a2a", "SendMessage", Map.of("message", m)).path("result").path("task");
        String seenByBilling = billingOutput(task);
        assertTrue(seenByBilling.contains("[REDACTED:CANARY]"), seenByBilling);
        assertFalse(seenByBilling.contains("CANARY-4242"), "the target agent never saw the canary: " + seenByBilling);
    }

    @Test
    void aPipelinesHandOverAndASynthesizersInputAreSanitized() {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("CANARY-77", null));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "sequential", "agents", List.of("echo", "billing"))));
        JsonNode pipeline = Rpc.call("/a2a", "SendMessage", Map.of("message", m)).path("result").path("task");
        assertFalse(billingOutput(pipeline).contains("CANARY-77"), pipeline.toString());
        assertTrue(billingOutput(pipeline).contains("[REDACTED:CANARY]"), pipeline.toString());

        Map<String, Object> d = new LinkedHashMap<>(Rpc.message("CANARY-99", null));
        d.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("echo"),
                "synthesis", "delegate", "synthesizer", "billing")));
        JsonNode delegated = Rpc.call("/a2a", "SendMessage", Map.of("message", d)).path("result").path("task");
        assertFalse(billingOutput(delegated).contains("CANARY-99"), delegated.toString());
    }
}
