package io.omniforge.a2a;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed view of the {@code urn:omniforge:a2a:orchestration:v1} extension: the agent (the orchestrator or a
 * flow) orchestrates others, with these strategies, synthesis modes and limits.
 *
 * <pre>{"uri": "urn:omniforge:a2a:orchestration:v1", "required": false,
 *  "params": {"strategies": ["parallel", "sequential"], "synthesis": ["concat"],
 *             "limits": {"maxAgents": 16, "maxConcurrency": 8, "deadlineMs": 60000}, "agents": ["echo"]}}</pre>
 *
 * The same URI is the metadata key under which a client's message selects an agent, a flow or a strategy.
 */
public record OrchestrationCapability(
        List<String> strategies,
        List<String> synthesis,
        Limits limits,
        List<String> agents) {

    public static final String URI = "urn:omniforge:a2a:orchestration:v1";

    public OrchestrationCapability {
        strategies = A2aJson.copy(strategies);
        synthesis = A2aJson.copy(synthesis);
        agents = A2aJson.copy(agents);
    }

    /** Bounds an orchestration respects. */
    public record Limits(Integer maxAgents, Integer maxConcurrency, Long deadlineMs) {
    }

    /**
     * {@code metadata} with the agent an event, artifact or message came from recorded under this URI (with
     * {@code extra} beside it): {@code {"urn:omniforge:a2a:orchestration:v1": {"agent": "echo", ...}}}.
     */
    public static Map<String, Object> mark(Map<String, Object> metadata, String agent, Map<String, Object> extra) {
        Map<String, Object> out = metadata == null ? new java.util.LinkedHashMap<>() : new java.util.LinkedHashMap<>(metadata);
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("agent", agent);
        entry.putAll(extra);
        out.put(URI, entry);
        return out;
    }

    public static Optional<OrchestrationCapability> from(AgentCard card, ObjectMapper mapper) {
        return card.extension(URI).map(e -> mapper.convertValue(
                e.params() == null ? Map.of() : e.params(), OrchestrationCapability.class));
    }

    @SuppressWarnings("unchecked")
    public AgentExtension toExtension(ObjectMapper mapper, boolean required) {
        return new AgentExtension(URI, "Orchestrates other A2A agents; select an agent, flow or strategy "
                + "with message metadata under this URI", required, mapper.convertValue(this, Map.class));
    }
}
