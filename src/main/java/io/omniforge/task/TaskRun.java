package io.omniforge.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentException;
import io.omniforge.observability.Correlation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * One upstream task while it runs in this process: its latest state, the downstream subscription that feeds it,
 * and the one place where its events get their sequence numbers. Each batch of events is numbered, applied to the
 * task and queued to the store under this object's lock, so the log order, the queue order and the task's state
 * always agree; subscribers see an event only after its write committed.
 */
final class TaskRun {

    private static final Logger LOG = Logger.getLogger(TaskRun.class);

    private final TaskManager owner;
    private final String agent;
    /** The task's log correlation, restored in the callbacks of its downstream events (they run elsewhere). */
    private final Map<String, String> correlation;
    private TaskRecord record;
    private Cancellable downstream;
    private A2aException failure;
    private boolean cancelPending;

    /** Ends the following of an agent on purpose (not a failure). */
    private static final class StopFollowing extends RuntimeException {
        StopFollowing() {
            super(null, null, false, false);
        }
    }

    TaskRun(TaskManager owner, TaskRecord record) {
        this.owner = owner;
        this.agent = record.agent();
        this.record = record;
        this.correlation = Correlation.with(Correlation.capture(), Correlation.TENANT, record.tenant(),
                Correlation.THREAD_ID, record.task().contextId(), Correlation.TASK_ID, record.id(),
                Correlation.AGENT, record.agent());
    }

    String id() {
        return record.id();
    }

    synchronized TaskRecord record() {
        return record;
    }

    /** Why the task failed, when an agent failure (or the store) made it fail. */
    synchronized A2aException failure() {
        return failure;
    }

    /**
     * The store refused one of this task's writes: what is in memory is ahead of what was acknowledged. The run
     * stops following its agent and leaves, so nobody waits for events that will never be stored; a blocking
     * caller reports the failure, and GetTask shows the last state that was stored.
     */
    private void broken(Throwable f) {
        synchronized (this) {
            failure = new A2aException(A2aError.INTERNAL_ERROR, "task " + id() + " could not be stored: " + f.getMessage(),
                    Map.of("taskId", id()), f);
        }
        stopFollowing();
        owner.abandoned(this);
    }

    /** Feeds the task from an agent's events until they end, fail, or the task is canceled. */
    void follow(Multi<StreamResponse> events) {
        Cancellable subscription = events
                .onItem().transformToUniAndConcatenate(e -> Correlation.call(correlation, () -> fromDownstream(e)))
                .subscribe().with(
                        ignored -> { },
                        Correlation.wrap(correlation, this::agentFailed),
                        Correlation.wrap(correlation, this::agentDone));
        synchronized (this) {
            if (record.task().status().state().isTerminal()) {
                subscription.cancel();
            } else {
                downstream = subscription;
            }
        }
    }

    /** Stops following the agent (the upstream task was canceled). */
    void stopFollowing() {
        Cancellable d;
        synchronized (this) {
            d = downstream;
            downstream = null;
        }
        if (d != null) {
            d.cancel();
        }
    }

    /**
     * The upstream task is canceled before the agent said which task is its own: keep listening until it does,
     * then cancel that task at the agent and stop.
     */
    synchronized void cancelWhenKnown() {
        cancelPending = true;
    }

    private Uni<Void> fromDownstream(StreamResponse event) {
        Task current;
        synchronized (this) {
            current = record.task();
            if (cancelPending) {
                String remote = remoteTaskOf(event);
                if (remote != null) {
                    cancelPending = false;
                    downstream = null;
                    return owner.cancelAtAgent(agent, remote).replaceWith(Uni.createFrom().failure(new StopFollowing()));
                }
                return Uni.createFrom().voidItem();
            }
        }
        String taskId = current.id();
        String contextId = current.contextId();
        List<StreamResponse> upstream = new ArrayList<>(2);
        String remoteTask = null;
        String remoteContext = null;
        List<Message> agentMessages = new ArrayList<>(1);
        if (event.task() != null) {
            Task t = event.task();
            remoteTask = t.id();
            remoteContext = t.contextId();
            if (t.artifacts() != null) {
                t.artifacts().forEach(a -> upstream.add(StreamResponse.of(new TaskArtifactUpdateEvent(taskId, contextId,
                        mark(a), false, true, marked(null)))));
            }
            TaskStatus status = rekey(t.status(), taskId, contextId);
            if (status.state() != current.status().state() || status.message() != null || status.state().endsStream()) {
                upstream.add(StreamResponse.of(new TaskStatusUpdateEvent(taskId, contextId, status, marked(null))));
            }
        } else if (event.message() != null) {
            Message m = event.message();
            remoteContext = m.contextId();
            remoteTask = m.taskId();
            Message reply = rekey(m, taskId, contextId);
            upstream.add(StreamResponse.of(new TaskStatusUpdateEvent(taskId, contextId,
                    TaskStatus.of(TaskState.TASK_STATE_COMPLETED, reply), marked(null))));
        } else if (event.statusUpdate() != null) {
            TaskStatusUpdateEvent s = event.statusUpdate();
            remoteTask = s.taskId();
            remoteContext = s.contextId();
            upstream.add(StreamResponse.of(new TaskStatusUpdateEvent(taskId, contextId,
                    rekey(s.status(), taskId, contextId), marked(s.metadata()))));
        } else {
            TaskArtifactUpdateEvent a = event.artifactUpdate();
            remoteTask = a.taskId();
            remoteContext = a.contextId();
            upstream.add(StreamResponse.of(new TaskArtifactUpdateEvent(taskId, contextId, mark(a.artifact()),
                    a.append(), a.lastChunk(), marked(a.metadata()))));
        }
        for (StreamResponse r : upstream) {
            if (r.statusUpdate() != null && r.statusUpdate().status().message() != null) {
                agentMessages.add(r.statusUpdate().status().message());
            }
        }
        return append(upstream, remoteTask, remoteContext, agentMessages);
    }

    /**
     * The agent's answer as the thread records it when the task ends without a status message of its own: an
     * agent message holding the parts of the artifacts this run produced.
     */
    private static Message answer(Task task, String agent) {
        List<Part> parts = new ArrayList<>();
        if (task.artifacts() != null) {
            task.artifacts().forEach(a -> parts.addAll(a.parts()));
        }
        if (parts.isEmpty()) {
            parts.add(Part.text("(" + agent + " ended the task " + task.status().state() + ")"));
        }
        return new Message(UUID.randomUUID().toString(), task.contextId(), task.id(), Role.ROLE_AGENT, parts,
                AgentMetadata.mark(null, agent, Map.of()), null, null);
    }

    private static String remoteTaskOf(StreamResponse e) {
        if (e.task() != null) {
            return e.task().id();
        }
        if (e.statusUpdate() != null) {
            return e.statusUpdate().taskId();
        }
        if (e.artifactUpdate() != null) {
            return e.artifactUpdate().taskId();
        }
        return e.message().taskId();
    }

    private void agentFailed(Throwable f) {
        if (f instanceof StopFollowing) {
            return;
        }
        A2aException error = f instanceof A2aException a ? a : new A2aException(A2aError.INTERNAL_ERROR,
                "the call to agent '" + agent + "' failed: " + f.getMessage());
        if (!(f instanceof AgentException)) {
            LOG.warnf(f, "task %s: following agent %s failed", id(), agent);
        }
        failWith(error);
    }

    private void agentDone() {
        synchronized (this) {
            downstream = null;
            if (record.task().status().state().endsStream()) {
                return;
            }
        }
        failWith(new AgentException(AgentException.Kind.INVALID_RESPONSE, agent, A2aError.INVALID_AGENT_RESPONSE,
                "agent '" + agent + "' ended its stream before the task reached a final or interrupted state", null));
    }

    /** Fails the task with a status message that says why; kept for a blocking caller to report. */
    void failWith(A2aException error) {
        Task current;
        synchronized (this) {
            current = record.task();
            if (current.status().state().isTerminal()) {
                return;
            }
            failure = error;
        }
        Message why = new Message(UUID.randomUUID().toString(), current.contextId(), current.id(), Role.ROLE_AGENT,
                List.of(Part.text(error.getMessage())), marked(Map.of("error", Map.of(
                        "code", error.error().code(), "reason", error.error().reason()))), null, null);
        append(List.of(StreamResponse.of(new TaskStatusUpdateEvent(current.id(), current.contextId(),
                TaskStatus.of(TaskState.TASK_STATE_FAILED, why), marked(null)))), null, null, List.of())
                .subscribe().with(v -> { }, Correlation.wrap(correlation,
                        f -> LOG.errorf(f, "task %s: recording its failure failed", current.id())));
    }

    /**
     * Numbers the events, applies them to the task and queues one write with the log entries, the task row and the
     * agent's messages in the thread; the Uni completes after the commit, when subscribers have been told.
     * Events that arrive after a terminal state are dropped.
     */
    Uni<Void> append(List<StreamResponse> events, String remoteTask, String remoteContext, List<Message> agentMessages) {
        return append(events, remoteTask, remoteContext, agentMessages, null);
    }

    /** The client's reply to an interrupted task: into its history (no event of its own), then WORKING. */
    Uni<Void> resumeWith(Message reply, StreamResponse working) {
        return append(List.of(working), null, null, List.of(), reply);
    }

    private Uni<Void> append(List<StreamResponse> events, String remoteTask, String remoteContext,
            List<Message> agentMessages, Message clientReply) {
        if (events.isEmpty() && remoteTask == null && remoteContext == null) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> committed;
        List<StreamEvent> numbered = new ArrayList<>(events.size());
        boolean ends;
        synchronized (this) {
            if (record.task().status().state().isTerminal()) {
                return Uni.createFrom().voidItem();
            }
            boolean newRemoteContext = remoteContext != null && !remoteContext.equals(record.remoteContextId());
            Task task = clientReply == null ? record.task() : record.task().withHistory(plus(record.task().history(), clientReply));
            long seq = record.lastSeq();
            for (StreamResponse e : events) {
                task = apply(task, e);
                numbered.add(new StreamEvent(++seq, e));
            }
            TaskRecord next = record.with(task, seq).withRemote(remoteTask, remoteContext);
            record = next;
            ends = task.status().state().endsStream();
            String thread = task.contextId();
            List<Message> toThread = new ArrayList<>(agentMessages);
            if (ends && task.status().message() == null) {
                toThread.add(answer(task, agent));
            }
            committed = owner.db().write(c -> {
                for (StreamEvent e : numbered) {
                    owner.router().append(c, next.id(), e);
                }
                owner.store().update(c, next);
                if (clientReply != null) {
                    owner.threads().appendMessage(c, next.tenant(), thread, clientReply, next.id(), null);
                }
                for (Message m : toThread) {
                    owner.threads().appendMessage(c, next.tenant(), thread, m, next.id(), agent);
                }
                if (newRemoteContext) {
                    owner.threads().updateState(c, next.tenant(), thread, state -> rememberContext(state, next.remoteContextId()));
                }
                return null;
            }).replaceWithVoid().subscribeAsCompletionStage();
        }
        return Uni.createFrom().completionStage(committed.whenComplete(Correlation.wrap(correlation, (v, f) -> {
            if (f != null) {
                LOG.errorf(f, "task %s: events from %s on could not be stored; the task stops here", id(),
                        numbered.isEmpty() ? "-" : numbered.get(0).seq());
                broken(f);
                return;
            }
            owner.router().committed(id(), numbered);
            if (ends) {
                owner.finished(this);
            }
        })));
    }

    private ObjectNode rememberContext(ObjectNode state, String remoteContextId) {
        ObjectNode agents = state.has("agents") && state.get("agents").isObject()
                ? (ObjectNode) state.get("agents") : state.putObject("agents");
        ObjectNode entry = agents.has(agent) && agents.get(agent).isObject()
                ? (ObjectNode) agents.get(agent) : agents.putObject(agent);
        entry.put("contextId", remoteContextId);
        return state;
    }

    /** The task after one of its own events. */
    static Task apply(Task task, StreamResponse e) {
        if (e.task() != null) {
            return e.task();
        }
        if (e.message() != null) {
            return task.withHistory(plus(task.history(), e.message()));
        }
        if (e.statusUpdate() != null) {
            TaskStatus status = e.statusUpdate().status();
            Task t = task.withStatus(status);
            return status.message() != null ? t.withHistory(plus(task.history(), status.message())) : t;
        }
        TaskArtifactUpdateEvent a = e.artifactUpdate();
        List<Artifact> artifacts = task.artifacts() == null ? new ArrayList<>() : new ArrayList<>(task.artifacts());
        int at = -1;
        for (int i = 0; i < artifacts.size(); i++) {
            if (artifacts.get(i).artifactId().equals(a.artifact().artifactId())) {
                at = i;
            }
        }
        if (at < 0) {
            artifacts.add(a.artifact());
        } else if (a.isAppend()) {
            List<Part> parts = new ArrayList<>(artifacts.get(at).parts());
            parts.addAll(a.artifact().parts());
            artifacts.set(at, artifacts.get(at).withParts(parts));
        } else {
            artifacts.set(at, a.artifact());
        }
        return task.withArtifacts(artifacts);
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> out = list == null ? new ArrayList<>() : new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private Map<String, Object> marked(Map<String, Object> metadata) {
        return AgentMetadata.mark(metadata, agent, Map.of());
    }

    private Artifact mark(Artifact a) {
        return a.withMetadata(marked(a.metadata()));
    }

    private TaskStatus rekey(TaskStatus status, String taskId, String contextId) {
        // The upstream task's clock is the orchestrator's: ListTasks orders by it, whatever the agents' clocks say.
        return new TaskStatus(status.state(), status.message() == null ? null : rekey(status.message(), taskId, contextId),
                java.time.Instant.now());
    }

    private Message rekey(Message m, String taskId, String contextId) {
        return m.withIds(contextId, taskId).withMetadata(marked(m.metadata()));
    }
}
