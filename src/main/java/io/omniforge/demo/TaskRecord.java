package io.omniforge.demo;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One task of a demo agent: its current state, the run that produces its events, and the streams that follow
 * it. Every change happens under the record's lock and reaches the followers in the order it was applied, so a
 * follower sees the task as it was when it joined and then every later event, with no gap and no duplicate.
 * A run is an owned background job: it ends with the task's turn (terminal or interrupted state), on
 * cancellation, or on failure, and nothing of it stays referenced after that.
 */
final class TaskRecord {

    private static final Logger LOG = Logger.getLogger(TaskRecord.class);

    /** Events a follower may lag behind before its stream fails: a slow reader never grows memory. */
    static final int FOLLOWER_BUFFER = 256;

    private final String agent;
    private final String id;
    private final String contextId;
    private final List<Follower> followers = new ArrayList<>(2);

    /**
     * A stream that follows the task, and the Vert.x context it was opened on (null off one). Its events are handed
     * to it on that context, where it is also canceled when its client goes away: Mutiny's buffering emitter must not
     * be emptied by a cancel on one thread while another thread emits into it (its queue has a single consumer).
     */
    private record Follower(MultiEmitter<? super StreamEvent> emitter, io.vertx.core.Context context) {

        /** {@code step} on the follower's context, after what was handed to it before; at once off a context. */
        void run(Runnable step) {
            if (context == null) {
                step.run();
            } else {
                context.runOnContext(v -> step.run());
            }
        }
    }
    private Task task;
    private Run run;

    /** The subscription of one turn's work; {@code subscription} is set once subscribe() has returned. */
    private static final class Run {
        private Cancellable subscription;
    }

    TaskRecord(String agent, Task task) {
        this.agent = agent;
        this.id = task.id();
        this.contextId = task.contextId();
        this.task = task;
    }

    String id() {
        return id;
    }

    synchronized Task snapshot() {
        return task;
    }

    /**
     * Adds the client's next message to a task that waits for input and makes it SUBMITTED again.
     *
     * @return the task with the message (its ids set) at the end of its history
     * @throws A2aException -32602 for a contextId that is not the task's, -32004 when the task is terminal or
     *         still working
     */
    synchronized Task accept(Message message) {
        if (message.contextId() != null && !message.contextId().isBlank() && !message.contextId().equals(contextId)) {
            throw A2aException.invalidParams("message.contextId '" + message.contextId() + "' does not match the contextId '"
                    + contextId + "' of task " + id);
        }
        TaskState state = task.status().state();
        if (state.isTerminal()) {
            throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + id + " is " + state
                    + " and accepts no further message; start a new task (send the message without taskId)");
        }
        if (!state.isInterrupted()) {
            throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + id + " is " + state
                    + "; it accepts a further message only once it asks for input");
        }
        List<Message> history = new ArrayList<>(task.history() == null ? List.of() : task.history());
        history.add(message.withIds(contextId, id));
        task = task.withHistory(history).withStatus(TaskStatus.of(TaskState.TASK_STATE_SUBMITTED));
        return task;
    }

    /**
     * Sends the task as it is now to {@code follower}, then every later event; completes the follower when the
     * task ends or waits for input (at once, when it already does).
     *
     * @param rejectTerminal fail the follower with -32004 when the task is already terminal (SubscribeToTask)
     */
    void follow(MultiEmitter<? super StreamEvent> follower, boolean rejectTerminal) {
        follower.onTermination(() -> unfollow(follower));
        synchronized (this) {
            TaskState state = task.status().state();
            if (rejectTerminal && state.isTerminal()) {
                follower.fail(new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + id + " is " + state
                        + "; a terminal task has no further events to subscribe to: use GetTask"));
                return;
            }
            follower.emit(StreamEvent.unnumbered(StreamResponse.of(task)));
            if (state.endsStream()) {
                follower.complete();
            } else if (!follower.isCancelled()) {
                followers.add(new Follower(follower, io.vertx.core.Vertx.currentContext()));
            }
        }
    }

    private synchronized void unfollow(MultiEmitter<?> follower) {
        followers.removeIf(f -> f.emitter() == follower);
    }

    /**
     * Runs one turn of the task: the events of {@code work} apply to the task until one of them ends the turn
     * (terminal or interrupted state); a run that fails or stops early leaves the task FAILED.
     */
    void start(Supplier<Multi<StreamResponse>> work) {
        Run r = new Run();
        synchronized (this) {
            if (task.status().state().endsStream()) {
                return; // canceled before its work began
            }
            run = r;
        }
        // The one owned background job of a task: its failures end up in the task (onFailure), never lost.
        Cancellable subscription = Multi.createFrom().<StreamResponse>deferred(work::get).subscribe().with(
                event -> onEvent(r, event), failure -> onFailure(r, failure), () -> onCompletion(r));
        boolean current;
        synchronized (this) {
            current = run == r;
            if (current) {
                r.subscription = subscription;
            }
        }
        if (!current) {
            subscription.cancel(); // ended (or canceled) while subscribing
        }
    }

    /**
     * @return the task, CANCELED, with its running work stopped and its followers told
     * @throws A2aException -32002 when the task is already terminal
     */
    Task cancel() {
        Cancellable stop;
        Task canceled;
        synchronized (this) {
            TaskState state = task.status().state();
            if (state.isTerminal()) {
                throw new A2aException(A2aError.TASK_NOT_CANCELABLE, "task " + id + " is " + state + " and cannot be canceled",
                        Map.of("taskId", id, "state", state.name()), null);
            }
            stop = detachRun();
            finish(TaskStatus.of(TaskState.TASK_STATE_CANCELED));
            canceled = task;
        }
        if (stop != null) {
            stop.cancel();
        }
        return canceled;
    }

    /** The agent dropped this task from memory: stop its work and end its followers' streams. */
    void evict(int maxTasks) {
        Cancellable stop;
        synchronized (this) {
            if (task.status().state().isTerminal()) {
                return;
            }
            stop = detachRun();
            finish(TaskStatus.of(TaskState.TASK_STATE_FAILED, agentMessage("the " + agent
                    + " agent dropped this task: it keeps at most " + maxTasks + " tasks (omniforge.demo.max-tasks)")));
        }
        if (stop != null) {
            stop.cancel();
        }
    }

    private void onEvent(Run r, StreamResponse event) {
        Cancellable stop = null;
        synchronized (this) {
            if (run != r) {
                return; // the turn ended or was canceled: late events are dropped
            }
            if (event.statusUpdate() != null) {
                setStatus(event.statusUpdate().status());
            } else if (event.artifactUpdate() != null) {
                task = task.applying(event); // a new artifact, a replacement (same id), or parts appended
            } else {
                stop = detachRun();
                LOG.errorf("the %s agent emitted a Task or Message in the middle of task %s", agent, id);
                finish(TaskStatus.of(TaskState.TASK_STATE_FAILED, agentMessage("the " + agent + " agent failed")));
                event = null;
            }
            if (event != null) {
                publish(event);
                if (task.status().state().endsStream()) {
                    stop = detachRun();
                }
            }
        }
        if (stop != null) {
            stop.cancel();
        }
    }

    private void onFailure(Run r, Throwable failure) {
        synchronized (this) {
            if (run != r) {
                LOG.debugf(failure, "task %s of the %s agent failed after its turn ended", id, agent);
                return;
            }
            run = null;
            String reason = failure instanceof A2aException a2a ? a2a.getMessage() : "internal error";
            LOG.warnf(failure, "task %s of the %s agent failed", id, agent);
            finish(TaskStatus.of(TaskState.TASK_STATE_FAILED, agentMessage("the " + agent + " agent failed: " + reason)));
        }
    }

    private void onCompletion(Run r) {
        synchronized (this) {
            if (run != r) {
                return;
            }
            run = null;
            if (!task.status().state().endsStream()) {
                LOG.errorf("the %s agent stopped working on task %s without a final state", agent, id);
                finish(TaskStatus.of(TaskState.TASK_STATE_FAILED,
                        agentMessage("the " + agent + " agent stopped without a final state")));
            }
        }
    }

    /** Under the lock: forgets the current run and returns what cancels it, if anything. */
    private Cancellable detachRun() {
        Run r = run;
        run = null;
        return r == null ? null : r.subscription;
    }

    /** Under the lock: sets a status the record decided itself, and tells the followers. */
    private void finish(TaskStatus status) {
        setStatus(status);
        publish(StreamResponse.of(new TaskStatusUpdateEvent(id, contextId, status, null)));
    }

    /** Under the lock: the new status; a status message also joins the history. */
    private void setStatus(TaskStatus status) {
        Task next = task.withStatus(status);
        if (status.message() != null) {
            List<Message> history = new ArrayList<>(task.history() == null ? List.of() : task.history());
            history.add(status.message());
            next = next.withHistory(history);
        }
        task = next;
    }

    /** Under the lock: hands the event to every follower; the stream of each ends with the turn. */
    private void publish(StreamResponse response) {
        StreamEvent event = StreamEvent.unnumbered(response);
        boolean ends = task.status().state().endsStream();
        for (Follower follower : List.copyOf(followers)) {
            follower.run(() -> {
                if (!follower.emitter().isCancelled()) {
                    follower.emitter().emit(event);
                    if (ends) {
                        follower.emitter().complete();
                    }
                }
            });
        }
        if (ends) {
            followers.clear();
        }
    }

    private Message agentMessage(String text) {
        return Message.agent(UUID.randomUUID().toString(), contextId, id, List.of(Part.text(text)));
    }
}
