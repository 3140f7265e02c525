package io.omniforge.thread;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A conversation: its id is the A2A {@code contextId}. {@code stateMetadata} is the thread's JSON state (the
 * handoff stack, the downstream context of each agent...), changed only through
 * {@link ThreadManager#updateState}; {@code version} counts its changes.
 */
public record ConversationThread(
        String tenant,
        String id,
        String activeAgent,
        ObjectNode stateMetadata,
        long version,
        Instant createdAt,
        Instant updatedAt) {
}
