package io.omniforge.a2a;

import java.time.Instant;

/** A task's state, an optional message that goes with it, and when it was set. */
public record TaskStatus(TaskState state, Message message, Instant timestamp) {

    public TaskStatus {
        if (state == null) {
            throw new IllegalArgumentException("status.state is required");
        }
    }

    public static TaskStatus of(TaskState state) {
        return new TaskStatus(state, null, Instant.now());
    }

    public static TaskStatus of(TaskState state, Message message) {
        return new TaskStatus(state, message, Instant.now());
    }
}
