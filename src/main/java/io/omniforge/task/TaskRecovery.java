package io.omniforge.task;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.TaskState;
import io.omniforge.agent.AgentClient;
import io.omniforge.handoff.HandoffManager;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffState;
import io.omniforge.security.Caller;
import io.omniforge.store.Db;
import io.omniforge.store.StoreInstance;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.ThreadManager;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The tasks that were running in a process that stopped (this one, killed or stopped; on a shared store, a replica
 * whose heartbeat stopped), taken over by this process: claimed in the store, then each goes on where it was.
 *
 * <p>A task whose agent had named its own task is followed again there ({@link AgentClient#reattach}: the events it
 * missed arrive as the agent's task as it stands, then the rest as they come), so the client sees one task that never
 * stopped. An orchestration goes on from its stored state
 * ({@link io.omniforge.orchestration.OrchestrationManager#continueAfterRestart}). The others fail, saying why, and
 * only then is "send the message again" said:
 * <ul>
 * <li>the agent had not named its task yet (nothing to follow);</li>
 * <li>a handoff of the task was caught half-way (decided or accepted, not active): it is rolled back, the thread stays
 * with the agent that had it, and the task fails;</li>
 * <li>the agent no longer knows its task (TaskNotFound there), or could not be called for
 * {@code omniforge.gateway.recovery.agent-deadline};</li>
 * <li>{@code omniforge.gateway.recovery.reattach=false} (an orchestration's legs are then canceled at their agents).</li>
 * </ul>
 * Handoffs of no task (a client's, between its decision and its activation) are rolled back too.
 */
@ApplicationScoped
class TaskRecovery {

    private static final Logger LOG = Logger.getLogger(TaskRecovery.class);
    private static final Duration STORE_WAIT = Duration.ofSeconds(30);

    private final TaskManager tasks;
    private final TaskStore store;
    private final ThreadManager threads;
    private final HandoffManager handoffs;
    private final Db db;
    private final GatewayConfig.Recovery config;

    TaskRecovery(TaskManager tasks, TaskStore store, ThreadManager threads, HandoffManager handoffs, Db db,
            GatewayConfig config) {
        this.tasks = tasks;
        this.store = store;
        this.threads = threads;
        this.handoffs = handoffs;
        this.db = db;
        this.config = config.recovery();
    }

    /**
     * At start-up, after the agents are known (their registry starts first): every task left running is taken over,
     * in batches until none is left.
     */
    void atStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        int taken = 0;
        List<TaskRecord> batch;
        do {
            batch = store.claimOrphans().await().atMost(STORE_WAIT);
            takeOver(batch);
            taken += batch.size();
        } while (batch.size() >= TaskStore.MAX_ORPHANS);
        int rolledBack = rollBackClientHandoffs();
        if (taken > 0 || rolledBack > 0) {
            LOG.infof("after the restart: %d running tasks taken over, %d handoffs of no task rolled back", taken, rolledBack);
        }
    }

    /** On a shared store, after each heartbeat: the running tasks of processes that stopped are taken over too. */
    void afterHeartbeat(@Observes StoreInstance.OrphanCheck check) {
        // Taken over on a worker thread: it waits for the store, which is not done on the writer's or an event loop.
        store.claimOrphans().emitOn(Infrastructure.getDefaultWorkerPool()).subscribe().with(this::takeOver,
                f -> LOG.warnf("looking for the tasks of stopped processes failed: %s", f.getMessage()));
    }

    private void takeOver(List<TaskRecord> orphans) {
        int followed = 0;
        for (TaskRecord r : orphans) {
            if (takeOver(r)) {
                followed++;
            }
        }
        if (!orphans.isEmpty()) {
            LOG.infof("%d tasks that were running when their process stopped were taken over: %d followed again at"
                    + " their agents, %d failed", orphans.size(), followed, orphans.size() - followed);
        }
    }

    /** One task: followed again at its agent (true), or failed saying why. */
    private boolean takeOver(TaskRecord r) {
        HandoffRecord rolledBack;
        Optional<HandoffRecord> active;
        try {
            rolledBack = db.write(c -> rollBackHandoffOf(c, r)).await().atMost(STORE_WAIT).orElse(null);
            active = rolledBack != null ? Optional.empty() : threads.get(r.tenant(), r.task().contextId())
                    .await().atMost(STORE_WAIT)
                    .flatMap(t -> handoffs.history(t).stream().filter(h -> h.state() == HandoffState.ACTIVE
                            && r.id().equals(h.taskId()) && h.to() != null && h.to().equals(r.agent()))
                            .reduce((first, last) -> last));
        } catch (RuntimeException e) {
            LOG.warnf("task %s: reading its thread after the restart failed: %s", r.id(), e.getMessage());
            rolledBack = null;
            active = Optional.empty();
        }
        TaskRun run = tasks.adopt(r);
        String why = rolledBack != null
                ? "the orchestrator restarted during the handoff of this task from " + rolledBack.from() + " to "
                        + rolledBack.to() + ", which was rolled back; send the message again"
                : !config.reattach()
                                ? "the orchestrator restarted while agent '" + r.agent() + "' was working on this task"
                                        + " (omniforge.gateway.recovery.reattach is off); send the message again"
                                : r.orchestration() == null && r.remoteTaskId() == null
                                        ? "the orchestrator restarted before agent '" + r.agent() + "' named its task;"
                                                + " send the message again"
                                        : null;
        if (why != null) {
            if (r.orchestration() != null) {
                cancelLegs(r);
            }
            run.failWith(new A2aException(A2aError.INTERNAL_ERROR, why));
            return false;
        }
        if (r.orchestration() != null) {
            Message input = firstUserMessage(r);
            if (input == null) {
                cancelLegs(r);
                run.failWith(new A2aException(A2aError.INTERNAL_ERROR, "the orchestrator restarted while this"
                        + " orchestration was running, and its task keeps no message of the client's to go on with;"
                        + " send the message again"));
                return false;
            }
            LOG.infof("task %s: its orchestration goes on after the restart", r.id());
            run.orchestrate(sink -> tasks.orchestration().continueAfterRestart(r.orchestration(), input, sink,
                    config.pollInterval(), config.agentDeadline()));
            return true;
        }
        active.ifPresent(run::broughtBy);
        LOG.infof("task %s: following agent %s's task %s again after the restart", r.id(), r.agent(), r.remoteTaskId());
        run.follow(events(r));
        return true;
    }

    /** The agent's task as it goes on, from where it stands now; failures say what the restart has to do with them. */
    private Multi<StreamResponse> events(TaskRecord r) {
        String agent = r.agent();
        return tasks.client().reattach(agent, () -> tasks.registry().target(Caller.system(r.tenant()), agent),
                        r.remoteTaskId(), config.pollInterval(), config.agentDeadline())
                .onFailure().transform(f -> new A2aException(A2aError.INTERNAL_ERROR, "the orchestrator restarted while"
                        + " agent '" + agent + "' was working on this task, and "
                        + (f instanceof A2aException a && a.error() == A2aError.TASK_NOT_FOUND
                                ? "the agent no longer knows its task " + r.remoteTaskId() + " (" + f.getMessage() + ")"
                                : "it could not be followed again: " + f.getMessage())
                        + "; send the message again", java.util.Map.of("agent", agent), f));
    }

    /** The client's message that started the task, as an orchestration's input (no ids, no gateway metadata). */
    private static Message firstUserMessage(TaskRecord r) {
        if (r.task().history() == null) {
            return null;
        }
        return r.task().history().stream().filter(m -> m.role() == Role.ROLE_USER).findFirst()
                .map(m -> new Message(m.messageId(), null, null, m.role(), m.parts(), AgentMetadata.strip(m.metadata()),
                        m.extensions(), null))
                .orElse(null);
    }

    /** The handoff of {@code r} a crash caught half-way, rolled back; empty when there is none. */
    private Optional<HandoffRecord> rollBackHandoffOf(java.sql.Connection c, TaskRecord r) throws java.sql.SQLException {
        Optional<ConversationThread> thread = threads.find(c, r.tenant(), r.task().contextId());
        if (thread.isEmpty()) {
            return Optional.empty();
        }
        Optional<HandoffRecord> inFlight = handoffs.history(thread.get()).stream()
                .filter(h -> h.state().inFlight() && r.id().equals(h.taskId())).findFirst();
        if (inFlight.isPresent()) {
            handoffs.rollBackInFlight(c, thread.get(), r.id()::equals);
        }
        return inFlight;
    }

    /**
     * Handoffs a crash caught half-way that belong to no task (a client's, between its decision and its activation)
     * are rolled back: the thread stays with the agent that had it.
     */
    private int rollBackClientHandoffs() {
        int rolledBack = 0;
        for (ConversationThread t : handoffs.threadsWithClientHandoffsInFlight().await().atMost(STORE_WAIT)) {
            rolledBack += db.write(c -> handoffs.rollBackInFlight(c, threads.find(c, t.tenant(), t.id()).orElse(t),
                    taskId -> taskId == null)).await().atMost(STORE_WAIT);
        }
        return rolledBack;
    }

    /** The legs of an orchestration that fails after the restart are canceled at their agents (best effort). */
    private void cancelLegs(TaskRecord r) {
        r.orchestration().legs().stream()
                .filter(l -> l.remoteTaskId() != null && !isFinal(l.state()))
                .forEach(l -> tasks.cancelAtAgent(r.tenant(), l.agent(), l.remoteTaskId()).subscribe().with(v -> { },
                        f -> LOG.debugf("could not cancel %s's task %s: %s", l.agent(), l.remoteTaskId(), f)));
    }

    private static boolean isFinal(String state) {
        try {
            return TaskState.valueOf(state).isTerminal();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
