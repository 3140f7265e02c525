package io.omniforge.orchestration;

import java.util.Map;

/**
 * One agent's part in an orchestration as it is persisted: which agent, its place in the plan, the state it
 * reached, the agent's own task and context ids (to cancel or resume it), why it failed, and what the context
 * sanitizer redacted from its input (kind to count; null when nothing, or when its input was the client's own).
 */
public record LegRecord(int index, String agent, String state, String remoteTaskId, String remoteContextId, String error,
        Map<String, Integer> redactions) {

    public LegRecord {
        redactions = redactions == null || redactions.isEmpty() ? null
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(redactions));
    }

    /** A part with nothing redacted (yet): the orchestration adds what it redacted when it records the part. */
    public LegRecord(int index, String agent, String state, String remoteTaskId, String remoteContextId, String error) {
        this(index, agent, state, remoteTaskId, remoteContextId, error, null);
    }

    public LegRecord withRedactions(Map<String, Integer> newRedactions) {
        return new LegRecord(index, agent, state, remoteTaskId, remoteContextId, error, newRedactions);
    }
}
