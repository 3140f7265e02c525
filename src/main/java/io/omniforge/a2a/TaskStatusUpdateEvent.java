package io.omniforge.a2a;

import java.util.Map;

/** A change of a task's status, sent on a stream. */
public record TaskStatusUpdateEvent(String taskId, String contextId, TaskStatus status, Map<String, Object> metadata) {

    public TaskStatusUpdateEvent {
        if (taskId == null || status == null) {
            throw new IllegalArgumentException("statusUpdate needs taskId and status");
        }
        metadata = A2aJson.copy(metadata);
    }
}
