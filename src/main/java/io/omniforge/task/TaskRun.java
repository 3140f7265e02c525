package io.omniforge.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentException;
import io.omniforge.store.StoreConflictException;
import io.omniforge.stream.Coalescer;
import io.omniforge.observability.Correlation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.omniforge.orchestration.Emission;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.orchestration.Sink;
import io.omniforge.security.Caller;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffRequest;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.function.Function;
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
    /** Whom the run acts for: the agents it calls (a handoff's target too) are checked against this caller. */
    private final Caller caller;
    private volatile String agent;
    private int generation;
    private HandoffRequest pendingHandoff;
    private HandoffRecord handoff;
    /** Where the run is in its life; changed under the lock, only through {@link #enter}. */
    private RunPhase phase = RunPhase.RUNNING;
    /**
     * The task's log correlation, restored in the callbacks of its downstream events (they run elsewhere): with its
     * orchestration's id when it is one, and once a handoff switched it, with the new agent and the handoff's id.
     */
    private volatile Map<String, String> correlation;
    private TaskRecord record;
    private Cancellable downstream;
    /** The agent's context id is known here but not yet remembered in the thread's state (see append). */
    private boolean remoteContextUnsaved;
    /** The last event whose task this run stored as the task's body. */
    private long snapshotSeq;
    /** The task as stored when it last ended a turn, and its JSON: the answer to a blocking SendMessage. */
    private Task endTask;
    private String endJson;
    private A2aException failure;
    /**
     * The end of this run's turn: true once a final or interrupted state of the task is stored, false when the run
     * leaves without one (its writes failed, or another process wrote the task).
     */
    private final CompletableFuture<Boolean> turnEnded = new CompletableFuture<>();
    /** Ends the current turn at its limit ({@link TurnLimits}); null between turns. */
    private Cancellable turnTimer;
    /**
     * The status of the snapshot of its task that the agent's answer last opened with (a Task for the task this run
     * already follows, see {@link #translate}): not a transition, and recorded only if the agent says nothing after
     * it (then it is the agent's answer: a reply answered by one Task, a GetTask). Null once anything follows it.
     */
    private TaskStatus heldStatus;
    /**
     * How the client's first message of this task is answered: with null once the answer is the task (the agent's
     * first event is anything but a Message, or the task has other events), with the agent's Message once the turn
     * that Message ended is stored (then the client never sees the task). Completed normally only, once.
     */
    private final CompletableFuture<Message> opening = new CompletableFuture<>();
    /** The place this turn holds in its caller's and tenant's concurrent-task limits; given back when it ends. */
    private Runnable quota;
    /** The turn is over (ended, or the run left): a place handed to {@link #holding} now is given back at once. */
    private boolean turnOver;
    /** Whether the agent's first event has been looked at for {@link #opening}. */
    private boolean openingSeen;
    /** The agent's Message as the client gets it, when its first event is one that may answer alone. */
    private Message direct;

    /** Ends the following of an agent on purpose (not a failure). */
    private static final class StopFollowing extends RuntimeException {
        StopFollowing() {
            super(null, null, false, false);
        }
    }

    TaskRun(TaskManager owner, TaskRecord record, Caller caller) {
        this.owner = owner;
        this.caller = caller;
        this.agent = record.agent();
        this.record = record;
        this.snapshotSeq = record.lastSeq();
        this.correlation = Correlation.with(Correlation.capture(), Correlation.TENANT, record.tenant(),
                Correlation.THREAD_ID, record.task().contextId(), Correlation.TASK_ID, record.id(),
                Correlation.AGENT, record.agent(), Correlation.ORCHESTRATION_ID,
                record.orchestration() != null ? record.id() : null);
    }

    String id() {
        return record.id();
    }

    Caller caller() {
        return caller;
    }

    synchronized TaskRecord record() {
        return record;
    }

    /**
     * {@code task} as the answer to SendMessage; when it is the task as stored at the end of its turn, with the JSON
     * it was stored as, so that the answer does not serialize the same task again.
     */
    synchronized SendMessageResponse response(Task task) {
        return task == endTask ? SendMessageResponse.of(task, endJson) : SendMessageResponse.of(task);
    }

    /**
     * Completes when the turn ends: with true once the task's final or interrupted state is stored (then
     * {@link #record()} holds it), with false when the run leaves without one; the task's log says the rest.
     */
    Uni<Boolean> turnEnded() {
        return Uni.createFrom().completionStage(turnEnded);
    }

    /** Why the task failed, when an agent failure (or the store) made it fail. */
    synchronized A2aException failure() {
        return failure;
    }

    /**
     * Completes once it is known how the client's first message of this task is answered: with the agent's Message
     * (re-keyed to the orchestrator's context, without a task id, marked with the agent) when the agent answered with
     * one and that turn is stored, else with null: the answer is the task. See docs/ARCHITECTURE.md, "An agent that
     * answers with a Message".
     */
    Uni<Message> opening() {
        // A copy: a caller that goes away cancels its copy, never the run's own future.
        return Uni.createFrom().completionStage(opening.copy());
    }

    /** The agent's Message that answers the client instead of the task, once its turn is stored; else null. */
    Message directAnswer() {
        return opening.isDone() ? opening.getNow(null) : null;
    }

    /** The task's creation failed: the run stops (an orchestration's legs are canceled) and leaves. */
    void abandon(Throwable f) {
        broken(f);
    }

    /**
     * The task's creation failed after its agent was called: nothing of this run is stored, the caller is told
     * why, and the agent's task is canceled there, now if the agent has named it, else as soon as it does.
     */
    void creationFailed(Throwable f) {
        String remote;
        synchronized (this) {
            failure = new A2aException(A2aError.INTERNAL_ERROR, "task " + id() + " could not be stored: " + f.getMessage(),
                    Map.of("taskId", id()), f);
            enter(RunPhase.Change.LEAVE);
            remote = record.remoteTaskId();
            if (remote == null) {
                enter(RunPhase.Change.CANCEL_UNNAMED);
            }
        }
        endTurnTimer();
        owner.abandoned(this);
        opening.complete(null);
        turnEnded.complete(false);
        if (remote != null) {
            stopFollowing();
            owner.cancelAtAgent(caller.tenant(), agent, remote).subscribe().with(v -> { },
                    e -> LOG.warnf("task %s: canceling it at agent %s: %s", id(), agent, e.getMessage()));
        }
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
        endTurnTimer();
        owner.abandoned(this);
        opening.complete(null);
        turnEnded.complete(false);
    }

    /**
     * The process stops while this run goes on: it writes nothing more, cancels nothing, and leaves the task as
     * stored (running, with this process as its runner) for the next start to take over. A blocking caller gets the
     * task as it is.
     */
    void leave() {
        synchronized (this) {
            enter(RunPhase.Change.LEAVE);
        }
        endTurnTimer();
        owner.abandoned(this);
        opening.complete(null);
        turnEnded.complete(false);
    }

    /**
     * Another process sharing the store wrote this task after this run last did (it canceled it, or took it over
     * from a process it took for dead): the store is the truth, and this run leaves without writing again. If the
     * task was canceled there, the agent is asked to cancel its task too (the other process may not have known it).
     */
    private void moved(Throwable f) {
        String remote;
        synchronized (this) {
            if (!phase.writes()) {
                return;
            }
            enter(RunPhase.Change.LEAVE);
            remote = record.remoteTaskId();
        }
        LOG.infof("task %s: %s; this process stops following agent %s", id(), f.getMessage(), agent);
        stopFollowing();
        endTurnTimer();
        owner.abandoned(this);
        opening.complete(null);
        turnEnded.complete(false);
        TaskRecord known = record();
        owner.store().find(known.tenant(), id())
                .onItem().transformToUni(stored -> remote != null && stored.isPresent()
                        && stored.get().task().status().state() == TaskState.TASK_STATE_CANCELED
                        ? owner.cancelAtAgent(caller.tenant(), agent, remote) : Uni.createFrom().voidItem())
                .subscribe().with(v -> { }, e -> LOG.warnf("task %s: after it moved on elsewhere: %s", id(), e.getMessage()));
    }

    /** Feeds the task from an agent's events, within the agent's own turn limit. */
    void follow(Multi<StreamResponse> events) {
        follow(events, owner.turnLimits().of(agent));
    }

    /**
     * Feeds the task from an agent's events until they end, fail, or the task is canceled; a turn still running
     * after {@code limit} ends FAILED and is canceled at the agent ({@link #overrun}).
     */
    void follow(Multi<StreamResponse> events, TurnLimits.Limit limit) {
        int g;
        Map<String, String> correlation;
        synchronized (this) {
            g = ++generation;
            enter(RunPhase.Change.FOLLOW);
            correlation = this.correlation;
        }
        Coalescer<StreamResponse> subscription = new Coalescer<>(Coalescer.AGENT_EVENTS,
                batch -> Correlation.call(correlation, () -> fromDownstream(batch, 0)),
                Correlation.wrap(correlation, () -> {
                    if (current(g)) {
                        agentDone();
                    }
                }),
                Correlation.wrap(correlation, (Throwable f) -> {
                    if (current(g)) {
                        agentFailed(f);
                    }
                }));
        // Subscribed with the task's correlation: the agent's call takes its fields from here (agent.call.failed),
        // whatever callback follows the agent (a handoff's target is called from the decision's).
        try (Correlation.Scope ignored = Correlation.open(correlation)) {
            events.subscribe().withSubscriber(subscription);
        }
        synchronized (this) {
            if (record.task().status().state().isTerminal()) {
                subscription.cancel();
            } else {
                downstream = subscription;
            }
        }
        limitTurn(g, limit);
    }

    /** Starts the timer of turn {@code g} (in place of the last turn's), unless the turn is already over. */
    private void limitTurn(int g, TurnLimits.Limit limit) {
        endTurnTimer();
        Cancellable timer = Uni.createFrom().voidItem().onItem().delayIt().by(limit.max()).subscribe()
                .with(v -> overrun(g, limit), f -> { });
        boolean over;
        synchronized (this) {
            over = g != generation || !phase.writes() || record.task().status().state().endsStream();
            if (!over) {
                turnTimer = timer;
            }
        }
        if (over) {
            timer.cancel();
        }
    }

    /** The turn ended (or the run leaves): its timer is dropped, so that a finished task holds nothing. */
    private void endTurnTimer() {
        Cancellable timer;
        synchronized (this) {
            timer = turnTimer;
            turnTimer = null;
        }
        if (timer != null) {
            timer.cancel();
        }
    }

    /**
     * Turn {@code g} is still running at its limit: the run stops following the agent, cancels the task there (if
     * the agent has named it), and ends the task FAILED with the limit named.
     */
    private void overrun(int g, TurnLimits.Limit limit) {
        String remote;
        synchronized (this) {
            if (g != generation || !phase.writes() || record.task().status().state().endsStream()) {
                return;
            }
            turnTimer = null;
            remote = record.remoteTaskId();
        }
        String max = io.omniforge.util.Durations.words(limit.max());
        LOG.infof("task %s: agent %s is still working after %s (%s); the task fails and is canceled there", id(),
                agent, max, limit.setBy());
        stopFollowing();
        if (remote != null) {
            owner.cancelAtAgent(caller.tenant(), agent, remote).subscribe().with(v -> { },
                    e -> LOG.warnf("task %s: canceling it at agent %s after its limit: %s", id(), agent, e.getMessage()));
        }
        failWith(new AgentException(AgentException.Kind.TIMEOUT, agent, A2aError.INTERNAL_ERROR, "agent '" + agent
                + "' was still working on this task after its limit of " + max + " (" + limit.setBy() + "); the task"
                + (remote != null ? " was canceled at the agent" : " was abandoned: the agent never named its task"),
                null));
    }

    /**
     * The events of a batch from {@code from} on, in order: each run of plain events (see {@link #plain}) in one
     * write, every other event on its own.
     */
    private Uni<Void> fromDownstream(List<StreamResponse> batch, int from) {
        if (from >= batch.size()) {
            return Uni.createFrom().voidItem();
        }
        if (from == 0) {
            opens(batch.get(0));
        }
        int to = from;
        while (to < batch.size() && plain(batch.get(to))) {
            StreamResponse event = batch.get(to++);
            if (event.endsTurn()) {
                break; // what follows the end of a turn is decided once that end is stored
            }
        }
        int next = to == from ? from + 1 : to;
        Uni<Void> step = to == from ? fromDownstream(batch.get(from)) : appendPlain(batch.subList(from, to));
        return step.chain(() -> fromDownstream(batch, next));
    }

    /**
     * Looks at the agent's first event for {@link #opening}: a Message that asks for no handoff, as the first event
     * of a task that has no other event than its creation (no notice, no handoff before it), answers the client on
     * its own once its turn is stored; anything else makes the task the answer at once.
     */
    private void opens(StreamResponse first) {
        synchronized (this) {
            if (openingSeen) {
                return;
            }
            openingSeen = true;
            Message m = first.message();
            if (m != null && record.lastSeq() == 1 && record.orchestration() == null && !phase.cancelsWhenNamed()
                    && HandoffRequest.in(first, owner.mapper()).isEmpty()) {
                direct = m.withIds(record.task().contextId(), null).withMetadata(marked(m.metadata()));
                return; // the answer once its turn is stored (see append)
            }
        }
        opening.complete(null);
    }

    /**
     * An event that needs nothing but its translation and its write: a status or artifact update, or a message,
     * that asks for no handoff, while no handoff is pending or being activated and no cancel waits for the agent's
     * task id.
     */
    private boolean plain(StreamResponse event) {
        if (event.task() != null) {
            return false;
        }
        synchronized (this) {
            if (phase.cancelsWhenNamed() || pendingHandoff != null
                    || (handoff != null && handoff.state() == io.omniforge.handoff.HandoffState.ACCEPTED)) {
                return false;
            }
        }
        return HandoffRequest.in(event, owner.mapper()).isEmpty();
    }

    /** Plain events, translated and written together. */
    private Uni<Void> appendPlain(List<StreamResponse> events) {
        Task current;
        synchronized (this) {
            current = record.task();
            heldStatus = null; // the agent went on after its snapshot: the snapshot was not its answer
        }
        List<StreamResponse> upstream = new ArrayList<>(events.size());
        List<Message> agentMessages = new ArrayList<>(1);
        String remoteTask = null;
        String remoteContext = null;
        for (StreamResponse event : events) {
            Translated t = translate(event, current, null);
            upstream.addAll(t.upstream());
            agentMessages.addAll(t.agentMessages());
            remoteTask = t.remoteTask() == null ? remoteTask : t.remoteTask();
            remoteContext = t.remoteContext() == null ? remoteContext : t.remoteContext();
        }
        return append(upstream, remoteTask, remoteContext, agentMessages);
    }

    /** Whether callbacks of the follow numbered {@code g} still speak for this task (not switched, not handing off). */
    private synchronized boolean current(int g) {
        return g == generation && phase.followsItsAgent();
    }

    /** Moves the run on (call it holding the lock): to the phase {@code change} leads to from where it is. */
    private void enter(RunPhase.Change change) {
        phase = phase.on(change);
    }

    /** The agent serving the task now. */
    String agent() {
        return agent;
    }

    /** The turn holds {@code release}'s place in the concurrent-task limits until it ends ({@link #turnOver}). */
    void holding(Runnable release) {
        boolean over;
        synchronized (this) {
            over = turnOver;
            if (!over) {
                quota = release;
            }
        }
        if (over) {
            release.run();
        }
    }

    /** The turn ended, or the run left: its place in the concurrent-task limits is given back. */
    void turnOver() {
        Runnable release;
        synchronized (this) {
            turnOver = true;
            release = quota;
            quota = null;
        }
        if (release != null) {
            release.run();
        }
    }

    /** A task taken over after a restart: the handoff that had brought it to its agent, settled when it ends. */
    synchronized void broughtBy(HandoffRecord active) {
        handoff = active;
    }

    /** The handoff that brought the task to its current agent, if any. */
    synchronized HandoffRecord handoff() {
        return handoff;
    }

    /**
     * Continues the same task with another agent (a handoff): the same log, the same subscribers; the next events
     * come from {@code to}.
     */
    void switchTo(String to, HandoffRecord accepted, Multi<StreamResponse> events) {
        synchronized (this) {
            agent = to;
            handoff = accepted;
            pendingHandoff = null;
            record = record.withAgent(to);
            correlation = Correlation.with(correlation, Correlation.AGENT, to, Correlation.HANDOFF_ID, accepted.id());
        }
        follow(events);
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
        enter(RunPhase.Change.CANCEL_UNNAMED);
    }

    private Uni<Void> fromDownstream(StreamResponse event) {
        Task current;
        String following;
        synchronized (this) {
            current = record.task();
            following = record.remoteTaskId();
            heldStatus = null; // whatever comes after a snapshot: the snapshot was not the agent's answer
            if (phase.cancelsWhenNamed()) {
                String remote = event.taskId();
                if (remote != null) {
                    enter(RunPhase.Change.NAMED);
                    downstream = null;
                    return owner.cancelAtAgent(caller.tenant(), agent, remote).replaceWith(Uni.createFrom().failure(new StopFollowing()));
                }
                return Uni.createFrom().voidItem();
            }
        }
        Translated t = translate(event, current, following);
        List<StreamResponse> upstream = t.upstream();
        List<Message> agentMessages = t.agentMessages();
        String remoteTask = t.remoteTask();
        String remoteContext = t.remoteContext();
        // A snapshot of the task already followed asks for a handoff only with what it adds (a new artifact, a final
        // status message): what it repeats was looked at when it first came.
        HandoffRequest asked = (t.snapshot() ? upstream.stream().map(r -> HandoffRequest.in(r, owner.mapper()))
                .flatMap(java.util.Optional::stream).findFirst() : HandoffRequest.in(event, owner.mapper())).orElse(null);
        StreamResponse held = null;
        HandoffRecord activating = null;
        synchronized (this) {
            heldStatus = t.held();
            if (asked != null) {
                pendingHandoff = asked;
            }
            if (handoff != null && handoff.state() == io.omniforge.handoff.HandoffState.ACCEPTED) {
                activating = handoff;
                handoff = handoff.with(io.omniforge.handoff.HandoffState.ACTIVE, null);
            }
            if (pendingHandoff != null) {
                for (StreamResponse r : upstream) {
                    if (r.statusUpdate() != null && r.statusUpdate().status().state() == TaskState.TASK_STATE_COMPLETED) {
                        held = r;
                    }
                }
                if (held != null) {
                    enter(RunPhase.Change.HAND_OVER);
                }
            }
        }
        String rTask = remoteTask;
        String rContext = remoteContext;
        Uni<Void> activated = activating == null ? Uni.createFrom().voidItem()
                : owner.handoffs().activate(record().tenant(), current.contextId(), activating).replaceWithVoid();
        if (held == null) {
            return activated.chain(() -> append(upstream, rTask, rContext, agentMessages));
        }
        // The agent asks to hand the conversation over: its final status waits for the decision.
        StreamResponse finalStatus = held;
        HandoffRequest request;
        synchronized (this) {
            request = pendingHandoff;
            pendingHandoff = null;
        }
        List<StreamResponse> rest = new ArrayList<>(upstream);
        rest.remove(finalStatus);
        return activated.chain(() -> append(rest, rTask, rContext, agentMessages))
                .chain(() -> owner.handOff(this, request, finalStatus));
    }

    /**
     * An agent's event as this task's events, with the agent's own ids and the messages the thread records;
     * {@code snapshot} when it is a Task for the task already followed, and {@code held} its status when that is
     * not final (see {@link #heldStatus}).
     */
    private record Translated(List<StreamResponse> upstream, String remoteTask, String remoteContext,
            List<Message> agentMessages, boolean snapshot, TaskStatus held) {
    }

    /**
     * {@code following}: the agent's task this run already follows, if any. A Task event for that task is a
     * snapshot, not a transition: a reply's answer opens with one (still saying INPUT_REQUIRED: the agents of the
     * A2A SDKs do), and so does a resubscription after a break. Its artifacts go on only where they differ from the
     * ones recorded under the same id; its state, unless final, is held, and becomes the task's only if the agent
     * says nothing after it. A Task for a task not yet followed (an agent's first answer) is taken as it is.
     */
    private Translated translate(StreamResponse event, Task current, String following) {
        String taskId = current.id();
        String contextId = current.contextId();
        List<StreamResponse> upstream = new ArrayList<>(2);
        String remoteTask = null;
        String remoteContext = null;
        List<Message> agentMessages = new ArrayList<>(1);
        boolean snapshot = false;
        TaskStatus held = null;
        if (event.task() != null) {
            Task t = event.task();
            remoteTask = t.id();
            remoteContext = t.contextId();
            snapshot = t.id().equals(following);
            if (t.artifacts() != null) {
                for (Artifact a : t.artifacts()) {
                    Artifact marked = mark(a);
                    if (!snapshot || !recorded(current, marked)) {
                        upstream.add(StreamResponse.of(new TaskArtifactUpdateEvent(taskId, contextId, marked, false, true,
                                marked(null))));
                    }
                }
            }
            TaskStatus status = rekey(t.status(), taskId, contextId);
            if (snapshot && !status.state().isTerminal()) {
                held = status;
            } else if (status.state() != current.status().state() || status.message() != null || status.state().endsStream()) {
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
        return new Translated(upstream, remoteTask, remoteContext, agentMessages, snapshot, held);
    }

    /** Whether {@code task} already holds {@code artifact}, as it is, under its id. */
    private static boolean recorded(Task task, Artifact artifact) {
        if (task.artifacts() == null) {
            return false;
        }
        for (Artifact a : task.artifacts()) {
            if (a.artifactId().equals(artifact.artifactId())) {
                return a.equals(artifact);
            }
        }
        return false;
    }

    /** Ends the hand-over of a task that stays with its agent: the held final status, with a note saying why. */
    Uni<Void> finishWith(StreamResponse held, String note, Map<String, Object> handoffMetadata) {
        TaskStatusUpdateEvent s = held.statusUpdate();
        Message said = new Message(UUID.randomUUID().toString(), s.contextId(), s.taskId(), Role.ROLE_AGENT,
                List.of(Part.text(note)), AgentMetadata.mark(null, agent, handoffMetadata), null, null);
        synchronized (this) {
            enter(RunPhase.Change.STAY);
        }
        return append(List.of(StreamResponse.of(new TaskStatusUpdateEvent(s.taskId(), s.contextId(),
                TaskStatus.of(s.status().state(), said), AgentMetadata.mark(s.metadata(), agent, handoffMetadata)))),
                null, null, List.of());
    }

    /**
     * The agent's answer as the thread records it when the task ends without a status message of its own: an
     * agent message holding the parts of the artifacts this run produced.
     */
    static Message answer(Task task, String agent) {
        List<Part> parts = new ArrayList<>();
        if (task.artifacts() != null) {
            task.artifacts().stream().filter(a -> agent.equals(markedAgent(a.metadata()))).forEach(a -> parts.addAll(a.parts()));
        }
        if (parts.isEmpty()) {
            parts.add(Part.text("(" + agent + " ended the task " + task.status().state() + ")"));
        }
        return new Message(UUID.randomUUID().toString(), task.contextId(), task.id(), Role.ROLE_AGENT, parts,
                AgentMetadata.mark(null, agent, Map.of()), null, null);
    }

    private void agentFailed(Throwable f) {
        if (f instanceof StopFollowing || f instanceof StoreConflictException) {
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
        TaskStatus held;
        Task current;
        synchronized (this) {
            downstream = null;
            current = record.task();
            if (current.status().state().endsStream()) {
                return;
            }
            held = heldStatus;
            heldStatus = null;
        }
        if (held != null && held.state().endsStream()) {
            // The agent's answer ended with its snapshot: that is its answer (a reply answered with one Task that
            // asks again), recorded now as the transition it then is.
            append(List.of(StreamResponse.of(new TaskStatusUpdateEvent(current.id(), current.contextId(), held,
                    marked(null)))), null, null, held.message() == null ? List.of() : List.of(held.message()))
                    .subscribe().with(v -> { }, Correlation.wrap(correlation, (Throwable f) -> {
                        if (!(f instanceof StoreConflictException)) { // else another process wrote it: see moved()
                            LOG.errorf(f, "task %s: recording the state its agent ended with failed", current.id());
                        }
                    }));
            return;
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
                .subscribe().with(v -> { }, Correlation.wrap(correlation, (Throwable f) -> {
                    if (!(f instanceof StoreConflictException)) { // else another process wrote it: see moved()
                        LOG.errorf(f, "task %s: recording its failure failed", current.id());
                    }
                }));
    }

    /**
     * Numbers the events, applies them to the task and queues one write with the log entries, the task row and the
     * agent's messages in the thread; the Uni completes after the commit, when subscribers have been told.
     * Events that arrive after a terminal state are dropped.
     */
    Uni<Void> append(List<StreamResponse> events, String remoteTask, String remoteContext, List<Message> agentMessages) {
        return append(events, remoteTask, remoteContext, agentMessages, null, null, null);
    }

    /** The client's reply to an interrupted task: into its history (no event of its own), then WORKING. */
    Uni<Void> resumeWith(Message reply, StreamResponse working) {
        return append(List.of(working), null, null, List.of(), reply, null, null);
    }

    /** Where an orchestration writes the events of this task. */
    Sink sink() {
        Task task = record().task();
        return new Sink() {
            @Override
            public String taskId() {
                return task.id();
            }

            @Override
            public String contextId() {
                return task.contextId();
            }

            @Override
            public Caller caller() {
                return caller;
            }

            @Override
            public List<Artifact> artifacts() {
                List<Artifact> artifacts = record().task().artifacts();
                return artifacts == null ? List.of() : artifacts;
            }

            @Override
            public Uni<Void> emit(Emission e) {
                return append(e.events(), null, null, e.toThread(), null, e.state(), e.taskMetadata());
            }
        };
    }

    /**
     * Runs an orchestration for this task: it writes through {@link #sink()} and ends with the task's final (or
     * paused) state; canceling the task cancels it, and with it every agent it still waits on.
     */
    void orchestrate(Function<Sink, Uni<Void>> work) {
        Cancellable subscription = work.apply(sink()).subscribe().with(
                ignored -> {
                    if (!record().task().status().state().endsStream()) {
                        failWith(new A2aException(A2aError.INTERNAL_ERROR, "the orchestration ended without a final state"));
                    }
                },
                this::agentFailed);
        synchronized (this) {
            if (record.task().status().state().isTerminal()) {
                subscription.cancel();
            } else {
                downstream = subscription;
            }
        }
    }

    private Uni<Void> append(List<StreamResponse> events, String remoteTask, String remoteContext,
            List<Message> agentMessages, Message clientReply, OrchestrationState orchestration,
            Map<String, Object> taskMetadata) {
        if (events.isEmpty() && remoteTask == null && remoteContext == null && orchestration == null) {
            return Uni.createFrom().voidItem();
        }
        if (events.isEmpty() && orchestration == null && clientReply == null && taskMetadata == null
                && agentMessages.isEmpty()) {
            // Only the agent's own ids (its first answer, a Task with nothing new): kept here and stored with the
            // task's next write, which follows at once, rather than in a commit of their own. Whoever needs them
            // before that (a cancel) reads them from this run.
            synchronized (this) {
                if (!record.task().status().state().isTerminal() && phase.writes()) {
                    remoteContextUnsaved |= remoteContext != null && !remoteContext.equals(record.remoteContextId());
                    record = record.withRemote(remoteTask, remoteContext);
                }
            }
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> committed;
        List<StreamEvent> numbered;
        // Serialized here, on the caller's thread and outside the lock, not on the store's one writer thread.
        List<String> json = new ArrayList<>(events.size());
        for (StreamResponse e : events) {
            json.add(StreamEvent.unnumbered(e).json(owner.mapper()));
        }
        boolean ends;
        long previousSeq;
        Message answer;
        synchronized (this) {
            if (record.task().status().state().isTerminal() || !phase.writes()) {
                return Uni.createFrom().voidItem();
            }
            previousSeq = record.lastSeq();
            Task before = record.task();
            boolean newRemoteContext = remoteContextUnsaved
                    || (remoteContext != null && !remoteContext.equals(record.remoteContextId()));
            remoteContextUnsaved = false;
            Task task = clientReply == null ? record.task() : record.task().withHistory(plus(record.task().history(), clientReply));
            if (taskMetadata != null) {
                task = task.withMetadata(taskMetadata);
            }
            task = task.applyingAll(events);
            numbered = TaskLog.number(record.lastSeq(), events, json);
            long seq = record.lastSeq() + numbered.size();
            TaskRecord next = record.with(task, seq).withRemote(remoteTask, remoteContext);
            if (orchestration != null) {
                next = next.withOrchestration(orchestration);
            }
            TaskRecord stored = next;
            record = stored;
            ends = task.status().state().endsStream();
            String thread = task.contextId();
            List<Message> toThread = new ArrayList<>(agentMessages);
            if (TaskLog.recordsAnswer(ends, orchestration != null || record.orchestration() != null,
                    agentMessages.stream().anyMatch(m -> agent.equals(agentOf(m))))) {
                toThread.add(answer(task, agent));
            }
            boolean snapshot = TaskLog.rewritesBody(ends, clientReply != null || taskMetadata != null,
                    before.status().state(), task.status().state(), seq, snapshotSeq);
            if (snapshot) {
                snapshotSeq = seq;
            }
            String body = snapshot ? owner.store().json(task) : null;
            if (ends) {
                endTask = task;
                endJson = body;
            }
            // The client's first message is answered by the agent's Message alone only when this write stores the
            // end of the turn that Message made; any other write makes the task the answer.
            answer = ends && direct != null && answers(task, direct) ? direct : null;
            String orchestrationJson = stored.orchestration() == null ? null : owner.store().json(stored.orchestration());
            String replyJson = clientReply == null ? null : owner.threads().json(clientReply);
            List<String> toThreadJson = new ArrayList<>(toThread.size());
            List<String> toThreadAgents = new ArrayList<>(toThread.size());
            for (Message m : toThread) {
                toThreadJson.add(owner.threads().json(m));
                toThreadAgents.add(agentOf(m));
            }
            committed = owner.db().write(correlation, c -> {
                // first: it fails if another process wrote the task
                owner.store().update(c, stored, previousSeq, body, orchestrationJson);
                owner.router().append(c, stored.id(), numbered);
                if (clientReply != null) {
                    owner.threads().appendMessage(c, stored.tenant(), thread, clientReply, replyJson, stored.id(), null);
                }
                for (int i = 0; i < toThread.size(); i++) {
                    Message m = toThread.get(i);
                    owner.threads().appendMessage(c, stored.tenant(), thread, m, toThreadJson.get(i), stored.id(),
                            toThreadAgents.get(i));
                }
                if (newRemoteContext) {
                    owner.threads().updateState(c, stored.tenant(), thread, state -> rememberContext(state, stored.remoteContextId()));
                }
                return null;
            }).replaceWithVoid().subscribeAsCompletionStage();
        }
        return Uni.createFrom().completionStage(committed.whenComplete(Correlation.wrap(correlation, (v, f) -> {
            if (f instanceof StoreConflictException) {
                moved(f);
                return;
            }
            if (f != null) {
                LOG.errorf(f, "task %s: events from %s on could not be stored; the task stops here", id(),
                        numbered.isEmpty() ? "-" : numbered.get(0).seq());
                broken(f);
                return;
            }
            owner.router().committed(id(), numbered);
            if (answer == null) {
                opening.complete(null);
            }
            if (ends) {
                endTurnTimer();
                // The turn ends once the handoff that brought the task here is settled (its failure is logged).
                owner.finished(this).subscribe().with(settled -> {
                    opening.complete(answer);
                    turnEnded.complete(true);
                });
            }
        })));
    }

    /** Whether {@code task} ended with the agent's Message {@code m}: completed, with it as its status message. */
    private static boolean answers(Task task, Message m) {
        Message said = task.status().message();
        return task.status().state() == TaskState.TASK_STATE_COMPLETED && said != null
                && said.messageId().equals(m.messageId());
    }

    private static String markedAgent(Map<String, Object> metadata) {
        Object entry = metadata == null ? null : metadata.get(io.omniforge.a2a.OrchestrationCapability.URI);
        return entry instanceof Map<?, ?> map && map.get("agent") instanceof String name ? name : null;
    }

    /** The agent a message came from: its mark, else the agent serving this task. */
    private String agentOf(Message m) {
        Object entry = m.metadata() == null ? null : m.metadata().get(io.omniforge.a2a.OrchestrationCapability.URI);
        if (entry instanceof Map<?, ?> map && map.get("agent") instanceof String name) {
            return name;
        }
        return agent;
    }

    private ObjectNode rememberContext(ObjectNode state, String remoteContextId) {
        ObjectNode agents = state.has("agents") && state.get("agents").isObject()
                ? (ObjectNode) state.get("agents") : state.putObject("agents");
        ObjectNode entry = agents.has(agent) && agents.get(agent).isObject()
                ? (ObjectNode) agents.get(agent) : agents.putObject(agent);
        entry.put("contextId", remoteContextId);
        return state;
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
