package io.omniforge.a2a;

/**
 * One event of a stream, wrapped by the name of its member: exactly one of {@code task}, {@code message},
 * {@code statusUpdate} or {@code artifactUpdate}.
 */
public record StreamResponse(
        Task task,
        Message message,
        TaskStatusUpdateEvent statusUpdate,
        TaskArtifactUpdateEvent artifactUpdate) {

    public StreamResponse {
        int n = (task != null ? 1 : 0) + (message != null ? 1 : 0)
                + (statusUpdate != null ? 1 : 0) + (artifactUpdate != null ? 1 : 0);
        if (n != 1) {
            throw new IllegalArgumentException(
                    "a stream response must hold exactly one of task, message, statusUpdate, artifactUpdate; found " + n);
        }
    }

    public static StreamResponse of(Task task) {
        return new StreamResponse(task, null, null, null);
    }

    public static StreamResponse of(Message message) {
        return new StreamResponse(null, message, null, null);
    }

    public static StreamResponse of(TaskStatusUpdateEvent event) {
        return new StreamResponse(null, null, event, null);
    }

    public static StreamResponse of(TaskArtifactUpdateEvent event) {
        return new StreamResponse(null, null, null, event);
    }

    /**
     * Whether the agent says no more after this event in its turn: a message, or a task or status in a state that
     * ends a stream (final, or waiting for input).
     */
    public boolean endsTurn() {
        TaskState s = state();
        return message != null || (s != null && s.endsStream());
    }

    /** The id of the task this event is of, as its sender names it; null for a message of no task. */
    public String taskId() {
        if (task != null) {
            return task.id();
        }
        if (statusUpdate != null) {
            return statusUpdate.taskId();
        }
        if (artifactUpdate != null) {
            return artifactUpdate.taskId();
        }
        return message.taskId();
    }

    /** The state this event leaves the task in, when it says so. */
    public TaskState state() {
        if (task != null) {
            return task.status().state();
        }
        if (statusUpdate != null) {
            return statusUpdate.status().state();
        }
        return null;
    }
}
