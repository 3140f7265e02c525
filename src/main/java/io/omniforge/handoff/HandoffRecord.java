package io.omniforge.handoff;

import java.time.Instant;

/**
 * One handoff as the thread's {@code state_metadata} keeps it: from which agent to which, why, who asked (an
 * agent's name or {@code client}), its state, its depth in the chain, whether control is expected back, and why
 * it was refused or failed.
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
        Instant updatedAt) {

    public HandoffRecord with(HandoffState newState, String newDetail) {
        return new HandoffRecord(id, from, to, reason, requestedBy, newState, depth, expectReturn,
                newDetail != null ? newDetail : detail, taskId, createdAt, Instant.now());
    }
}
