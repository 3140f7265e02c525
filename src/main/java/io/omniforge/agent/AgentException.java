package io.omniforge.agent;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import java.util.Map;

/** A downstream call failed: the agent could not be reached, was too slow, answered nonsense, or said no. */
public class AgentException extends A2aException {

    /** Why the call failed. */
    public enum Kind {
        UNREACHABLE, TIMEOUT, INVALID_RESPONSE, REMOTE_ERROR,
        /** The agent is at its limit of calls (per second, or at once): not called. */
        LIMITED,
        /** The agent's circuit breaker is open after repeated failures: not called. */
        CIRCUIT_OPEN
    }

    private final Kind kind;
    private final String agent;

    public AgentException(Kind kind, String agent, A2aError error, String message, Throwable cause) {
        this(kind, agent, error, message, Map.of(), cause);
    }

    /** With more ErrorInfo metadata than the agent and the kind of failure ({@code retryAfterSeconds}, ...). */
    AgentException(Kind kind, String agent, A2aError error, String message, Map<String, String> more, Throwable cause) {
        super(error, message, with(more, agent, kind), cause);
        this.kind = kind;
        this.agent = agent;
    }

    private static Map<String, String> with(Map<String, String> more, String agent, Kind kind) {
        Map<String, String> all = new java.util.LinkedHashMap<>(more);
        all.put("agent", agent);
        all.put("failure", kind.name());
        return Map.copyOf(all);
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

    /**
     * A connection's failure in words, never the exception's Java type: "the connection was refused (10.0.0.7:80)",
     * "its host name does not resolve", "the agent closed the connection".
     */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        String what;
        if (root instanceof java.net.ConnectException || lower.contains("connection refused")) {
            what = "the connection was refused";
        } else if (root instanceof java.net.UnknownHostException || lower.contains("failed to resolve")) {
            what = "its host name does not resolve";
        } else if (root instanceof java.net.NoRouteToHostException) {
            what = "there is no route to its host";
        } else if (root instanceof javax.net.ssl.SSLException) {
            what = "the TLS handshake failed";
        } else if (root instanceof java.nio.channels.ClosedChannelException || lower.contains("connection reset")
                || lower.contains("closed")) {
            return "the agent closed the connection";
        } else {
            what = "the connection failed";
        }
        java.util.regex.Matcher address = java.util.regex.Pattern.compile("/?([\\w.-]*[\\w\\]]:\\d{1,5})").matcher(message);
        return what + (address.find() ? " (" + address.group(1) + ")" : "");
    }
}
