package io.omniforge.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Flows from configuration: resolved into plans, and a cycle among them refused with the cycle spelled out. */
class FlowRegistryTest {

    private static FlowsConfig.Flow flow(String strategy, String... agents) {
        return new FlowsConfig.Flow() {
            public Optional<String> description() { return Optional.empty(); }
            public String strategy() { return strategy; }
            public List<String> agents() { return List.of(agents); }
            public Optional<String> synthesis() { return Optional.empty(); }
            public Optional<String> synthesizer() { return Optional.empty(); }
            public Optional<Integer> quorum() { return Optional.empty(); }
            public Optional<String> policy() { return Optional.empty(); }
            public Optional<Duration> deadline() { return Optional.empty(); }
            public Optional<Duration> agentTimeout() { return Optional.empty(); }
            public Optional<Integer> maxConcurrency() { return Optional.empty(); }
            public Map<String, String> routes() { return Map.of(); }
        };
    }

    private static final OrchestrationConfig DEFAULTS = new OrchestrationConfig() {
        public Duration deadline() { return Duration.ofMinutes(5); }
        public Duration agentTimeout() { return Duration.ofSeconds(60); }
        public String policy() { return "best-effort"; }
        public int maxConcurrency() { return 8; }
        public int maxAgents() { return 16; }
        public int maxAgentCalls() { return 64; }
        public String synthesis() { return "concat"; }
    };

    private static FlowRegistry registry(Map<String, FlowsConfig.Flow> flows) {
        return new FlowRegistry(() -> flows, DEFAULTS);
    }

    @Test
    void cyclesAreRefusedWithTheCycleSpelledOut() {
        Map<String, FlowsConfig.Flow> flows = new LinkedHashMap<>();
        flows.put("a", flow("sequential", "echo", "b"));
        flows.put("b", flow("parallel", "c"));
        flows.put("c", flow("race", "billing", "a"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry(flows));
        assertTrue(e.getMessage().contains("a -> b -> c -> a"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> registry(Map.of("self", flow("parallel", "self"))));
    }

    @Test
    void flowsBecomePlansWithDefaults() {
        Map<String, FlowsConfig.Flow> flows = new LinkedHashMap<>();
        flows.put("team", flow("quorum", "a", "b", "c"));
        flows.put("outer", flow("sequential", "team", "d"));
        FlowRegistry registry = registry(flows);
        Plan team = registry.get("team").orElseThrow();
        assertEquals(Strategy.QUORUM, team.strategy());
        assertEquals(2, team.quorum(), "a majority by default");
        assertEquals(FailurePolicy.BEST_EFFORT, team.policy());
        assertEquals(Synthesis.CONCAT, team.synthesis());
        assertEquals("flow:team", team.label());
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> registry(Map.of("x", flow("zigzag", "a"))));
        assertTrue(bad.getMessage().contains("omniforge.flows.x.strategy"), bad.getMessage());
    }
}
