package io.omniforge.a2a;

import java.util.List;

/** Optional features an agent supports. */
public record AgentCapabilities(
        Boolean streaming,
        Boolean pushNotifications,
        List<AgentExtension> extensions,
        Boolean extendedAgentCard) {

    public AgentCapabilities {
        extensions = A2aJson.copy(extensions);
    }
}
