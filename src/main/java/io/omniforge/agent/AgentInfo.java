package io.omniforge.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import java.time.Instant;

/**
 * What the registry knows of one agent, as the management API shows it: among the rest, the interface of its card
 * that the gateway calls (URL, binding and protocol version; none until a card that offers one was read).
 */
public record AgentInfo(
        String name,
        String url,
        @JsonProperty("interface") AgentInterface endpoint,
        Source source,
        State state,
        AgentCard card,
        String lastError,
        Instant cardFetchedAt,
        /** Its circuit breaker: CLOSED, OPEN (calls fail at once) or HALF_OPEN (a probe may go). */
        String breaker) {

    /** Where the agent was declared. */
    public enum Source {
        CONFIG, DEMO, RUNTIME, FLOW
    }

    /** Whether its card could be fetched last time. */
    public enum State {
        UNKNOWN, READY, UNREACHABLE, INVALID
    }
}
