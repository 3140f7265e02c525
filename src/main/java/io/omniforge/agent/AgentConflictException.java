package io.omniforge.agent;

/** The registry cannot do it: the name is taken, or the agent is not one that can be removed at run time. */
public class AgentConflictException extends RuntimeException {
    public AgentConflictException(String message) {
        super(message, null, false, false);
    }
}
