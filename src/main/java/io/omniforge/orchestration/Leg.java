package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentException;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.observability.Traced;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One agent's part in an orchestration: sends it its input, follows its answer (stream or not), re-keys what it
 * produces onto the upstream task (artifacts under {@code <agent>.<index>/<id>}, its state changes as WORKING
 * updates marked with the agent), and ends with a {@link LegResult} — never with a failure: a call that fails,
 * times out or breaks becomes a failed result. A stream that breaks is recovered with SubscribeToTask and
 * GetTask at the agent when the agent's task id is known. Canceling the leg cancels the agent's task.
 */
final class Leg {

    private static final Logger LOG = Logger.getLogger(Leg.class);
    /**
     * Batches of the agent's events that may be queued to the store before the first of them is committed, when the
     * later ones end the leg ({@link StreamResponse#endsTurn}): the agent's result and its final state, sent one after the other, go
     * into one commit instead of waiting for each other's. Other events wait for the commit before them, so a dense
     * stream still goes in large batches. At most {@link io.omniforge.stream.Coalescer#AGENT_EVENTS} events wait or
     * are in flight, whatever this is.
     */
    private static final int IN_FLIGHT = 2;
    /** Ends {@link #follow}'s Uni: set when it subscribes; called once the agent's final event is handled. */
    private Runnable reachedEnd = () -> { };

    private final int index;
    private final String agent;
    private final Message input;
    private final Duration timeout;
    private final Sink sink;
    private final AgentRegistry registry;
    private final AgentClient client;
    private final String resumeTaskId;
    private final String resumeContextId;
    private final Traced span;

    private volatile String remoteTaskId;
    /** The subscription to the agent's answer. */
    private volatile io.smallrye.mutiny.subscription.Cancellable stream;
    /** The leg was canceled before its agent named its task: the answer is followed only to learn that name. */
    private volatile boolean canceledUnnamed;
    private volatile String remoteContextId;
    private Task seen;
    private Message answer;
    /**
     * The status of a snapshot of the agent's task that this leg already follows (a resumed leg's reply, a
     * resubscription): not a transition, and the agent's answer only if nothing follows it (see {@link #endWithHeld}).
     */
    private TaskStatus heldStatus;

    /** Told once the agent names its own task, so the orchestration can persist it (a restart cancels it). */
    private final java.util.function.BiConsumer<String, String> named;

    Leg(int index, String agent, Message input, Duration timeout, Sink sink, AgentRegistry registry, AgentClient client,
            LegRecord resume, Traced span, java.util.function.BiConsumer<String, String> named) {
        this.named = named;
        this.span = span;
        this.index = index;
        this.agent = agent;
        this.input = input;
        this.timeout = timeout;
        this.sink = sink;
        this.registry = registry;
        this.client = client;
        this.resumeTaskId = resume == null ? null : resume.remoteTaskId();
        this.resumeContextId = resume == null ? null : resume.remoteContextId();
        this.remoteTaskId = resumeTaskId;
        this.remoteContextId = resumeContextId;
        this.seen = new Task("pending", null, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, null, null);
    }

    Uni<LegResult> run() {
        return bounded(registry.target(sink.caller(), agent)
                .onItem().transformToUni(target -> {
                    Message downstream = new Message(UUID.randomUUID().toString(), resumeContextId, resumeTaskId,
                            Role.ROLE_USER, input.parts(), null, null, null);
                    return follow(() -> client.answer(target, SendMessageRequest.of(downstream)));
                }));
    }

    /**
     * The leg of an orchestration taken over after a restart, whose agent had named its task: that task followed
     * again where it is ({@link AgentClient#reattach}), within the leg's timeout as any leg.
     */
    Uni<LegResult> reattach(Duration pollEvery, Duration deadline) {
        return bounded(follow(() -> client.reattach(agent, () -> registry.target(sink.caller(), agent), resumeTaskId,
                pollEvery, deadline)));
    }

    /** The leg's work, canceled at the agent when the leg is, within its timeout, any failure a failed result. */
    private Uni<LegResult> bounded(Uni<LegResult> work) {
        return work
                .onCancellation().call(this::cancelAtAgent)
                .ifNoItem().after(timeout).failWith(() -> new AgentException(AgentException.Kind.TIMEOUT, agent,
                        io.omniforge.a2a.A2aError.INTERNAL_ERROR, "agent '" + agent + "' did not finish within " + timeout, null))
                .onFailure().recoverWithItem(this::failed);
    }

    /**
     * Follows the agent's events to the end; the calls are children of the orchestration's span.
     */
    private Uni<LegResult> follow(java.util.function.Supplier<Multi<StreamResponse>> events) {
        return Uni.createFrom().<Void>emitter(emitter -> {
                    io.omniforge.stream.Coalescer<StreamResponse> c = new io.omniforge.stream.Coalescer<>(
                            io.omniforge.stream.Coalescer.AGENT_EVENTS, IN_FLIGHT, StreamResponse::endsTurn, this::handle,
                            () -> {
                                endWithHeld();
                                emitter.complete(null);
                            }, emitter::fail);
                    stream = c;
                    reachedEnd = () -> emitter.complete(null);
                    emitter.onTermination(() -> {
                        if (remoteTaskId == null && !ended()) {
                            // Canceled (a race lost, a deadline) before the agent named its task: the stream stays
                            // until it does, and then the task is canceled there (see handle).
                            canceledUnnamed = true;
                        } else if (!ended()) {
                            c.cancel();
                        }
                        // Ended: what is left of the agent's stream (its end) is still read, so that its connection
                        // goes back to the pool.
                    });
                    span.within(events::get).subscribe().withSubscriber(c);
                })
                .map(ignored -> ended() ? result(null) : failed(AgentException.invalidResponse(agent,
                        remoteTaskId == null ? "its answer ended before it named its task or reached a final state"
                                : "its answer ended while its task " + remoteTaskId + " was " + seen.status().state())));
    }

    private boolean ended() {
        return answer != null || seen.status().state().endsStream();
    }

    /** Events of the agent that came together: remembered, re-keyed onto the upstream task, emitted at once. */
    private Uni<Void> handle(List<StreamResponse> events) {
        if (canceledUnnamed) {
            String named = events.stream().map(StreamResponse::taskId).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (named != null) {
                canceledUnnamed = false;
                stream.cancel();
                cancelAt(named).subscribe().with(v -> { }, f -> LOG.debugf("agent %s did not cancel %s: %s", agent, named, f));
            }
            return Uni.createFrom().voidItem(); // nothing of a canceled leg reaches the task
        }
        List<StreamResponse> upstream = new ArrayList<>(events.size() + 1);
        for (StreamResponse event : events) {
            handle(event, upstream);
        }
        applyPending();
        Uni<Void> committed = upstream.isEmpty() ? Uni.createFrom().voidItem() : sink.emit(Emission.of(upstream));
        if (ended()) {
            // An emission is queued to the store as it is made, in order: the orchestration's next one (the
            // synthesis, the next stage's events) is queued behind the leg's last events and commits with them or
            // after them. So the leg ends with its agent's final event, without waiting for any commit (a failed
            // commit fails the task all the same).
            reachedEnd.run();
            return Uni.createFrom().voidItem();
        }
        return committed;
    }

    /**
     * One event of the agent: remembered, and re-keyed onto the upstream task (into {@code upstream}). A Task for the
     * agent's task this leg already follows is a snapshot, not a transition: a resumed leg's reply opens with one
     * that still says INPUT_REQUIRED (the agents of the A2A SDKs do), and so does a resubscription after a break.
     * Only its artifacts that differ from those already emitted go on, and its state, unless final, is held.
     */
    private void handle(StreamResponse event, List<StreamResponse> upstream) {
        if (event.artifactUpdate() == null) {
            applyPending();
        }
        heldStatus = null; // something follows the snapshot: it was not the agent's answer
        TaskState before = seen.status().state();
        if (event.message() != null) {
            Message m = event.message();
            remember(m.taskId(), m.contextId());
            answer = m;
            upstream.add(artifact(new Artifact("answer", agent, null, m.parts(), null, null), false, true));
        } else if (event.task() != null) {
            Task t = event.task();
            boolean snapshot = t.id().equals(remoteTaskId);
            remember(t.id(), t.contextId());
            if (snapshot && !t.status().state().isTerminal()) {
                heldStatus = t.status();
                seen = t.withStatus(seen.status());
            } else {
                seen = t;
            }
            if (t.artifacts() != null) {
                List<Artifact> emitted = snapshot ? sink.artifacts() : List.of();
                for (Artifact a : t.artifacts()) {
                    StreamResponse update = artifact(a, false, true);
                    if (!emitted.contains(update.artifactUpdate().artifact())) {
                        upstream.add(update);
                    }
                }
            }
        } else if (event.statusUpdate() != null) {
            remember(event.statusUpdate().taskId(), event.statusUpdate().contextId());
            seen = seen.applying(event);
        } else {
            TaskArtifactUpdateEvent a = event.artifactUpdate();
            remember(a.taskId(), a.contextId());
            pendingArtifacts.add(event);
            upstream.add(artifact(a.artifact(), a.isAppend(), Boolean.TRUE.equals(a.lastChunk())));
        }
        TaskState after = answer != null ? TaskState.TASK_STATE_COMPLETED : seen.status().state();
        if (after != before || (event.statusUpdate() != null && event.statusUpdate().status().message() != null)) {
            Message said = event.statusUpdate() != null ? event.statusUpdate().status().message()
                    : event.task() != null ? event.task().status().message() : null;
            upstream.add(legState(after, said));
        }
    }

    /** The agent's state (and what it said) as a WORKING update of the upstream task, marked with the agent. */
    private StreamResponse legState(TaskState state, Message said) {
        return StreamResponse.of(new TaskStatusUpdateEvent(sink.taskId(), sink.contextId(),
                new TaskStatus(TaskState.TASK_STATE_WORKING, said == null ? null : rekey(said), Instant.now()),
                mark(Map.of("leg", state.name(), "index", index))));
    }

    /**
     * The agent's answer ended with a snapshot of its task (a reply answered with one Task that asks again, a
     * GetTask): its state is then the agent's answer, emitted as any state change is. The emission is queued at
     * once, before whatever the orchestration writes next (the leg does not wait for commits at its end).
     */
    private void endWithHeld() {
        TaskStatus held = heldStatus;
        heldStatus = null;
        if (held == null || canceledUnnamed || ended() || !held.state().endsStream()) {
            return;
        }
        seen = seen.withStatus(held);
        sink.emit(Emission.of(List.of(legState(held.state(), held.message()))));
    }

    /** Artifact updates not yet applied to {@link #seen}: a run of them is applied at once (see Task.applyingAll). */
    private final List<StreamResponse> pendingArtifacts = new ArrayList<>();

    private void applyPending() {
        if (!pendingArtifacts.isEmpty()) {
            seen = seen.applyingAll(pendingArtifacts);
            pendingArtifacts.clear();
        }
    }

    private void remember(String taskId, String contextId) {
        if (taskId != null && remoteTaskId == null) {
            remoteTaskId = taskId;
            named.accept(taskId, contextId);
        }
        if (contextId != null && remoteContextId == null) {
            remoteContextId = contextId;
        }
    }

    private StreamResponse artifact(Artifact a, boolean append, boolean lastChunk) {
        Artifact upstream = a.withArtifactId(agent + "." + index + "/" + a.artifactId()).withMetadata(mark(a.metadata(), Map.of()));
        return StreamResponse.of(new TaskArtifactUpdateEvent(sink.taskId(), sink.contextId(), upstream, append, lastChunk,
                mark(Map.of())));
    }

    private Message rekey(Message m) {
        return m.withIds(sink.contextId(), sink.taskId()).withMetadata(mark(m.metadata(), Map.of()));
    }

    private Map<String, Object> mark(Map<String, Object> extra) {
        return mark(null, extra);
    }

    private Map<String, Object> mark(Map<String, Object> metadata, Map<String, Object> extra) {
        return OrchestrationCapability.mark(metadata, agent, extra);
    }

    private LegResult result(String error) {
        TaskState state = answer != null ? TaskState.TASK_STATE_COMPLETED : seen.status().state();
        List<Part> output = new ArrayList<>();
        if (answer != null) {
            output.addAll(answer.parts());
        } else if (seen.artifacts() != null && !seen.artifacts().isEmpty()) {
            // An orchestrator (a flow used as an agent) marks its answer as the 'synthesis' artifact.
            seen.artifacts().stream().filter(a -> OrchestrationManager.SYNTHESIS.equals(a.artifactId())).findFirst()
                    .ifPresentOrElse(a -> output.addAll(a.parts()),
                            () -> seen.artifacts().forEach(a -> output.addAll(a.parts())));
        } else if (seen.status().message() != null) {
            output.addAll(seen.status().message().parts());
        }
        String why = error;
        if (why == null && state != TaskState.TASK_STATE_COMPLETED && !state.isInterrupted()) {
            Message m = seen.status().message();
            why = "agent '" + agent + "' ended " + state + (m != null && !m.text().isEmpty() ? ": " + m.text() : "");
        }
        return new LegResult(index, agent, state, output, seen.status().message(), why, remoteTaskId, remoteContextId);
    }

    private LegResult failed(Throwable f) {
        String why = f instanceof A2aException ? f.getMessage() : "agent '" + agent + "' failed: " + f;
        return new LegResult(index, agent, null, List.of(), null, why, remoteTaskId, remoteContextId);
    }

    /** Best effort: the agent's task is canceled when this leg is (a race lost, a deadline, an upstream cancel). */
    private Uni<Void> cancelAtAgent() {
        String remote = remoteTaskId;
        if (remote == null || ended()) {
            return Uni.createFrom().voidItem(); // not named yet: handle cancels it once it is
        }
        return cancelAt(remote);
    }

    private Uni<Void> cancelAt(String remote) {
        return registry.cancelQuietly(sink.caller(), agent, remote, span);
    }
}
