package io.omniforge.agent;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import java.util.Map;

/** A downstream call failed: the agent could not be reached, was too slow, answered nonsense, or said no. */
public class AgentException extends A2aException {

    /** Why the call failed. */
    public enum Kind {
        UNREACHABLE, TIMEOUT, INVALID_RESPONSE, REMOTE_ERROR
    }

    private final Kind kind;
    private final String agent;

    public AgentException(Kind kind, String agent, A2aError error, String message, Throwable cause) {
        super(error, message, Map.of("agent", agent, "failure", kind.name()), cause);
        this.kind = kind;
        this.agent = agent;
    }

    public Kind kind() {
        return kind;
    }

    public String agent() {
        return agent;
    }

    /** The agent answered something that is not the A2A it should be (-32006). */
    public static AgentException invalidResponse(String agent, String what) {
        return invalid(agent, what);
    }

    static AgentException invalid(String agent, String what) {
        return new AgentException(Kind.INVALID_RESPONSE, agent, A2aError.INVALID_AGENT_RESPONSE,
                "agent '" + agent + "' gave an invalid A2A response: " + what, null);
    }

    static AgentException unreachable(String agent, Throwable cause) {
        return new AgentException(Kind.UNREACHABLE, agent, A2aError.INTERNAL_ERROR,
                "agent '" + agent + "' could not be reached: " + describe(cause), cause);
    }

    static AgentException timeout(String agent, String what) {
        return new AgentException(Kind.TIMEOUT, agent, A2aError.INTERNAL_ERROR,
                "agent '" + agent + "' did not answer in time: " + what, null);
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
