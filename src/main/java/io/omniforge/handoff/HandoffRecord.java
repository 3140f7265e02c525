package io.omniforge.handoff;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One handoff as the thread's {@code state_metadata} keeps it: from which agent to which, why, who asked (an
 * agent's name or {@code client}), its state, its depth in the chain, whether control is expected back, why it was
 * refused or failed, and what the context sanitizer redacted from the context the target received (kind to count,
 * never a value; null when nothing was).
 */
public record HandoffRecord(
        String id,
        String from,
        String to,
        String reason,
        String requestedBy,
        HandoffState state,
        int depth,
        boolean expectReturn,
        String detail,
        String taskId,
        Instant createdAt,
        Instant updatedAt,
        Map<String, Integer> redactions) {

    public HandoffRecord {
        redactions = redactions == null || redactions.isEmpty() ? null : Collections.unmodifiableMap(new TreeMap<>(redactions));
    }

    public HandoffRecord with(HandoffState newState, String newDetail) {
        return new HandoffRecord(id, from, to, reason, requestedBy, newState, depth, expectReturn,
                newDetail != null ? newDetail : detail, taskId, createdAt, Instant.now(), redactions);
    }

    public HandoffRecord withRedactions(Map<String, Integer> newRedactions) {
        return new HandoffRecord(id, from, to, reason, requestedBy, state, depth, expectReturn, detail, taskId, createdAt,
                updatedAt, newRedactions);
    }
}
