package io.omniforge.agent;

import io.omniforge.a2a.AgentCard;
import java.time.Instant;

/** What the registry knows of one agent, as the management API shows it. */
public record AgentInfo(
        String name,
        String url,
        Source source,
        State state,
        AgentCard card,
        String lastError,
        Instant cardFetchedAt) {

    /** Where the agent was declared. */
    public enum Source {
        CONFIG, DEMO, RUNTIME, FLOW
    }

    /** Whether its card could be fetched last time. */
    public enum State {
        UNKNOWN, READY, UNREACHABLE, INVALID
    }
}
