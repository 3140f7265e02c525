package io.omniforge.task;

import io.omniforge.a2a.OrchestrationCapability;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The orchestration extension's metadata entry: {@code {"urn:omniforge:a2a:orchestration:v1": {"agent": ...}}}
 * names the agent a client wants, and marks the agent an event or artifact came from.
 */
final class AgentMetadata {

    private AgentMetadata() {
    }

    /** The agent a metadata map names, or null. */
    static String agentIn(Map<String, Object> metadata) {
        if (metadata == null) {
            return null;
        }
        Object entry = metadata.get(OrchestrationCapability.URI);
        if (entry == null) {
            return null;
        }
        if (!(entry instanceof Map<?, ?> map)) {
            throw io.omniforge.a2a.A2aException.invalidParams("metadata[" + OrchestrationCapability.URI
                    + "] must be an object such as {\"agent\": \"echo\"}");
        }
        Object agent = map.get("agent");
        if (agent == null) {
            return null;
        }
        if (!(agent instanceof String name) || name.isBlank()) {
            throw io.omniforge.a2a.A2aException.invalidParams("metadata[" + OrchestrationCapability.URI
                    + "].agent must be an agent name");
        }
        return name;
    }

    /** {@code metadata} with the source agent (and anything in {@code extra}) recorded under the extension. */
    static Map<String, Object> mark(Map<String, Object> metadata, String agent, Map<String, Object> extra) {
        return OrchestrationCapability.mark(metadata, agent, extra);
    }

    /** {@code metadata} without the orchestration entry (what the agent itself should not see). */
    static Map<String, Object> strip(Map<String, Object> metadata) {
        if (metadata == null || !metadata.containsKey(OrchestrationCapability.URI)) {
            return metadata;
        }
        Map<String, Object> out = new LinkedHashMap<>(metadata);
        out.remove(OrchestrationCapability.URI);
        return out.isEmpty() ? null : out;
    }
}
