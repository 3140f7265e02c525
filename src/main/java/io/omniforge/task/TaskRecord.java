package io.omniforge.task;

import io.omniforge.a2a.Task;

/**
 * An upstream task as stored: the Task the client sees, its tenant, the agent that serves it and that agent's
 * own task and context ids, and the sequence number of the last event in its log.
 */
public record TaskRecord(
        String tenant,
        Task task,
        String agent,
        String remoteTaskId,
        String remoteContextId,
        long lastSeq) {

    public String id() {
        return task.id();
    }

    public TaskRecord with(Task newTask, long newLastSeq) {
        return new TaskRecord(tenant, newTask, agent, remoteTaskId, remoteContextId, newLastSeq);
    }

    public TaskRecord withRemote(String taskId, String contextId) {
        return new TaskRecord(tenant, task, agent, taskId != null ? taskId : remoteTaskId,
                contextId != null ? contextId : remoteContextId, lastSeq);
    }
}
