package io.omniforge.task;

import io.omniforge.a2a.Task;
import io.omniforge.orchestration.OrchestrationState;

/**
 * An upstream task as stored: the Task the client sees, its tenant, the agent that serves it and that agent's
 * own task and context ids, the sequence number of the last event in its log, and the orchestration behind it
 * (null for a task served by one agent).
 */
public record TaskRecord(
        String tenant,
        Task task,
        String agent,
        String remoteTaskId,
        String remoteContextId,
        long lastSeq,
        OrchestrationState orchestration) {

    public String id() {
        return task.id();
    }

    public TaskRecord with(Task newTask, long newLastSeq) {
        return new TaskRecord(tenant, newTask, agent, remoteTaskId, remoteContextId, newLastSeq, orchestration);
    }

    public TaskRecord withRemote(String taskId, String contextId) {
        return new TaskRecord(tenant, task, agent, taskId != null ? taskId : remoteTaskId,
                contextId != null ? contextId : remoteContextId, lastSeq, orchestration);
    }

    /** The task now served by another agent (a handoff): that agent's own ids are not known yet. */
    public TaskRecord withAgent(String newAgent) {
        return new TaskRecord(tenant, task, newAgent, null, null, lastSeq, orchestration);
    }

    public TaskRecord withOrchestration(OrchestrationState state) {
        return new TaskRecord(tenant, task, agent, remoteTaskId, remoteContextId, lastSeq, state);
    }
}
