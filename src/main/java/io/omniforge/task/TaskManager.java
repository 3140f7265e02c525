package io.omniforge.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.service.A2aService;
import io.omniforge.a2a.AgentCard;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.SendMessageConfiguration;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.agent.AgentTarget;
import io.omniforge.handoff.HandoffManager;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffRequest;
import io.omniforge.orchestration.LegRecord;
import io.omniforge.orchestration.OrchestrationManager;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.orchestration.Plan;
import io.omniforge.orchestration.Strategy;
import io.omniforge.observability.Correlation;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Caller;
import io.omniforge.security.Permission;
import io.omniforge.observability.Telemetry;
import io.omniforge.store.Db;
import io.omniforge.store.Ids;
import io.omniforge.store.StoreConflictException;
import io.omniforge.store.SqlWork;
import io.omniforge.stream.StreamRouter;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.ThreadManager;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The orchestrator as an A2A agent. A message asks for an orchestration (a flow or a strategy, see
 * {@link OrchestrationManager}) or goes to one agent (named in the message's metadata, else the thread's active
 * agent, else the entry agent), which may hand the conversation to another ({@link HandoffManager}); the client sees the orchestrator's own task and context ids,
 * and each upstream task records the downstream task that serves it, so a cancel reaches it and an
 * INPUT_REQUIRED answer is resumed on the same downstream task.
 */
@ApplicationScoped
public class TaskManager implements A2aService {

    private static final Logger LOG = Logger.getLogger(TaskManager.class);

    private final AgentRegistry registry;
    private final AgentClient client;
    private final TaskStore store;
    private final ThreadManager threads;
    private final StreamRouter router;
    private final Db db;
    private final GatewayConfig config;
    private final GatewayCard card;
    private final TaskHandoff handover;
    private final io.omniforge.security.TaskQuota quota;
    private final ObjectMapper mapper;
    private final Optional<String> entryAgent;
    private final OrchestrationManager orchestration;
    private final HandoffManager handoffs;
    private final Telemetry telemetry;
    private final AccessPolicy policy;
    private final TurnLimits turnLimits;
    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();
    /** The process is stopping: no new turn starts. */
    private volatile boolean draining;

    public TaskManager(AgentRegistry registry, AgentClient client, TaskStore store, ThreadManager threads,
            StreamRouter router, Db db, GatewayConfig config, GatewayCard card, TaskHandoff handover, ObjectMapper mapper,
            OrchestrationManager orchestration, HandoffManager handoffs,
            @ConfigProperty(name = "omniforge.entry-agent") Optional<String> entryAgent,
            Telemetry telemetry, AccessPolicy policy,
            TurnLimits turnLimits, io.omniforge.security.TaskQuota quota) {
        this.quota = quota;
        this.turnLimits = turnLimits;
        this.policy = policy;
        this.orchestration = orchestration;
        this.handoffs = handoffs;
        this.registry = registry;
        this.client = client;
        this.store = store;
        this.threads = threads;
        this.router = router;
        this.db = db;
        this.config = config;
        this.card = card;
        this.handover = handover;
        this.mapper = mapper;
        this.entryAgent = entryAgent;
        this.telemetry = telemetry;
    }

    Db db() {
        return db;
    }

    TurnLimits turnLimits() {
        return turnLimits;
    }

    /** The limit of a turn of {@code agent} that {@code request} starts: what its metadata asks, within the agent's. */
    private TurnLimits.Limit turnLimit(String agent, SendMessageRequest request) {
        Map<String, Object> asked = request.message().metadata();
        if (asked == null || !asked.containsKey(OrchestrationCapability.URI)) {
            asked = request.metadata();
        }
        return turnLimits.of(agent, asked);
    }

    StreamRouter router() {
        return router;
    }

    TaskStore store() {
        return store;
    }

    ThreadManager threads() {
        return threads;
    }

    HandoffManager handoffs() {
        return handoffs;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** The agent serving {@code run} asks to hand the conversation over ({@link TaskHandoff}). */
    Uni<Void> handOff(TaskRun run, HandoffRequest request, StreamResponse held) {
        return handover.handOff(run, request, held);
    }

    /**
     * A task that was running in a process that stopped, taken over by this one ({@link TaskRecovery}): its run, for
     * the tenant (the service acts for it), registered, with its live channel open at the log's end.
     */
    TaskRun adopt(TaskRecord record) {
        TaskRun run = new TaskRun(this, record, Caller.system(record.tenant()));
        router.open(record.id(), record.lastSeq());
        runs.put(record.id(), run);
        return run;
    }

    /** SIGTERM ({@link TaskShutdown}): from now on no new turn starts. */
    void stopTakingWork() {
        draining = true;
    }

    /** How many tasks have a turn running in this process. */
    int running() {
        return runs.size();
    }

    /**
     * The turns still running when the process stops are left as the store has them, running, with this process as
     * their runner: the next start (or another replica) takes them over. Nothing more is written for them here, and
     * nothing is canceled at their agents. How many there were.
     */
    int leaveRunning() {
        List<TaskRun> left = new ArrayList<>(runs.values());
        left.forEach(TaskRun::leave);
        return left.size();
    }

    AgentRegistry registry() {
        return registry;
    }

    AgentClient client() {
        return client;
    }

    OrchestrationManager orchestration() {
        return orchestration;
    }

    /** A run that stopped because the store failed: it leaves, and its subscribers finish what was stored. */
    void abandoned(TaskRun run) {
        runs.remove(run.id(), run);
        run.turnOver();
        router.close(run.id());
    }

    /**
     * Best effort: asks an agent to cancel its task; a failure is logged, the upstream task is canceled anyway. The
     * service does it for the tenant (whoever may cancel the task may stop what it started).
     */
    Uni<Void> cancelAtAgent(String tenant, String agent, String remoteTaskId) {
        return registry.cancelQuietly(Caller.system(tenant), agent, remoteTaskId, null);
    }

    /**
     * Called once a task's final or interrupted state has been committed. A finished task's stream closes; an
     * interrupted one keeps its channel so that subscribers see the reply being worked on. Completes once the
     * handoff that brought the task to its agent has been settled (completed or failed) in the thread, so that the
     * end of the turn (the answer to a blocking SendMessage) never runs ahead of the thread's handoff state and
     * active agent; a failure to record it is logged.
     */
    Uni<Void> finished(TaskRun run) {
        runs.remove(run.id(), run);
        run.turnOver();
        HandoffRecord h = run.handoff();
        TaskRecord done = run.record();
        Uni<Void> settled = Uni.createFrom().voidItem();
        if (h != null) {
            TaskState state = done.task().status().state();
            Uni<?> outcome = state == TaskState.TASK_STATE_COMPLETED
                    ? handoffs.settle(done.tenant(), done.task().contextId(), h)
                    : state.isTerminal() ? handoffs.fail(done.tenant(), done.task().contextId(), h,
                            "agent '" + h.to() + "' ended " + state) : Uni.createFrom().voidItem();
            settled = outcome.replaceWithVoid()
                    .onFailure().invoke(f -> LOG.errorf(f, "task %s: recording how handoff %s ended failed", done.id(), h.id()))
                    .onFailure().recoverWithNull();
        }
        if (run.record().task().status().state().isTerminal()) {
            telemetry.taskFinished(run.record().agent(), run.record().task().status().state().name());
            router.close(run.id());
        } else {
            router.idle(run.id());
        }
        return settled;
    }

    // ---------------------------------------------------------------------------------------------- card

    @Override
    public AgentCard card(io.omniforge.service.ServedAt at) {
        return card.of(at);
    }

    // ----------------------------------------------------------------------------------- SendMessage

    @Override
    public Uni<SendMessageResponse> sendMessage(CallContext ctx, SendMessageRequest request) {
        Integer historyLength = request.configuration() == null ? null : request.configuration().historyLength();
        boolean immediately = request.configuration() != null && request.configuration().isReturnImmediately();
        return start(ctx, request).onItem().transformToUni(started -> {
            if (immediately) {
                return Uni.createFrom().item(SendMessageResponse.of(started.task().view(historyLength, true)));
            }
            TaskRun run = started.run();
            // The run says when its turn ends; one that left without an end (another process wrote the task, or
            // its writes failed) is followed through the task's log, like any subscriber.
            return run.turnEnded()
                    .onItem().transformToUni(ended -> ended ? Uni.createFrom().item(ended)
                            : router.tail(run.id(), started.seq()).collect().last().replaceWith(ended))
                    .ifNoItem().after(config.blockingTimeout()).recoverWithItem(false)
                    .map(ignored -> {
                        A2aException failure = run.failure();
                        if (failure != null && failure.error() == A2aError.INTERNAL_ERROR && failure.getCause() != null
                                && !(failure instanceof io.omniforge.agent.AgentException)) {
                            throw failure;
                        }
                        if (failure != null && failure.error() == A2aError.INVALID_AGENT_RESPONSE) {
                            throw new A2aException(A2aError.INVALID_AGENT_RESPONSE, failure.getMessage()
                                    + " (task " + run.id() + " failed)", Map.of("taskId", run.id()), failure);
                        }
                        return run.record();
                    })
                    // The run does not know the end when another process sharing the store wrote it (a cancel).
                    .onItem().transformToUni(r -> r.task().status().state().endsStream() ? Uni.createFrom().item(r)
                            : store.find(r.tenant(), r.id()).map(found -> found.orElse(r)))
                    .map(r -> {
                        Message direct = run.directAnswer();
                        if (direct != null) {
                            return SendMessageResponse.of(direct); // the agent answered with a Message: so do we
                        }
                        return historyLength == null ? run.response(r.task())
                                : SendMessageResponse.of(r.task().view(historyLength, true));
                    });
        });
    }

    @Override
    public Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request) {
        Integer historyLength = request.configuration() == null ? null : request.configuration().historyLength();
        return start(ctx, request).onItem().transformToMulti(started -> {
            Multi<StreamEvent> task = Multi.createBy().concatenating().streams(
                    Multi.createFrom().item(new StreamEvent(started.seq(), StreamResponse.of(started.task().view(historyLength, true)))),
                    router.tail(started.run().id(), started.seq()));
            if (!started.mayAnswerWithMessage()) {
                return task;
            }
            // The first event is the Task or a single Message: which one, the agent's first event says. The stream
            // of an agent's Message is that Message alone (no id: there is no task to resubscribe to).
            return started.run().opening().onItem().transformToMulti(direct -> direct == null ? task
                    : Multi.createFrom().item(StreamEvent.unnumbered(StreamResponse.of(direct))));
        });
    }

    /**
     * A task created (or resumed) and its agent called; {@code task} and {@code seq} are as of before the call.
     * {@code mayAnswerWithMessage}: a new task of one agent, whose client gets the agent's Message instead of the task
     * when the agent answers with one (see {@link TaskRun#opening}).
     */
    record Started(TaskRun run, Task task, long seq, boolean mayAnswerWithMessage) {

        Started(TaskRun run, Task task, long seq) {
            this(run, task, seq, false);
        }
    }

    /**
     * A new turn: a new task, or a reply to one that waits. It takes a place of its caller's and tenant's
     * concurrent-task limits ({@link TaskQuota}) first, which its run gives back when the turn ends, however it ends.
     */
    private Uni<Started> start(CallContext ctx, SendMessageRequest request) {
        return Uni.createFrom().deferred(() -> {
            if (draining) {
                return begin(ctx, request); // refused there, saying why
            }
            Runnable release = quota.acquire(ctx.caller());
            return begin(ctx, request)
                    .invoke(started -> started.run().holding(release))
                    .onFailure().invoke(release)
                    .onCancellation().invoke(release);
        });
    }

    private Uni<Started> begin(CallContext ctx, SendMessageRequest request) {
        if (draining) {
            return Uni.createFrom().failure(new A2aException(A2aError.UNAVAILABLE, "the orchestrator is shutting down"
                    + " and takes no new messages; send it again in a moment (to another replica, or to this one once"
                    + " it has restarted)", Map.of("retryAfterSeconds", "1"), null));
        }
        Message message = request.message();
        if (message.taskId() != null && !message.taskId().isBlank()) {
            return resume(ctx, request);
        }
        Optional<Plan> plan = orchestration.planFor(ctx.tenant(), message.metadata())
                .or(() -> orchestration.planFor(ctx.tenant(), request.metadata()));
        if (plan.isPresent()) {
            policy.require(ctx.caller(), Permission.ORCHESTRATE, plan.get().flow() != null
                    ? "run flow '" + plan.get().flow() + "'" : "run a " + plan.get().strategy().wire() + " orchestration");
            if (plan.get().flow() != null) {
                policy.requireAgent(ctx.caller(), plan.get().flow());
            }
        }
        String routed = plan.filter(p -> p.strategy() == Strategy.ROUTE)
                .map(p -> orchestration.route(ctx.tenant(), p, message)).orElse(null);
        String named = routed != null ? routed : Optional.ofNullable(AgentMetadata.agentIn(message.metadata()))
                .orElse(AgentMetadata.agentIn(request.metadata()));
        if (named != null && !registry.exists(ctx.tenant(), named)) {
            return Uni.createFrom().failure(A2aException.invalidParams("unknown agent '" + named + "' in message.metadata["
                    + OrchestrationCapability.URI + "].agent; known agents: "
                    + String.join(", ", registry.list(ctx.tenant()).stream().map(a -> a.name()).toList())));
        }
        boolean newThread = message.contextId() == null || message.contextId().isBlank();
        String contextId = newThread ? Ids.timeOrdered() : message.contextId();
        if (plan.isPresent() && routed == null) {
            return createOrchestrated(ctx, request, contextId, plan.get());
        }
        Optional<HandoffRequest> handoff = HandoffRequest.inMetadata(message.metadata(), mapper);
        if (handoff.isPresent() && named == null) {
            // The client moves the conversation: the message goes to the target, with the context the handoff built.
            return handoffs.clientHandoff(ctx.caller(), contextId, handoff.get(), message)
                    .onItem().transformToUni(decision -> decision.accepted()
                            ? route(ctx, request, contextId, false, decision.record().to(), decision, null)
                            : route(ctx, request, contextId, false, null, null, "the handoff to " + decision.record().to()
                                    + " was refused: " + decision.record().detail()));
        }
        return route(ctx, request, contextId, newThread, named, null, null);
    }

    /**
     * Sends a message to {@code named}, else the thread's active agent, else the entry agent ({@code newThread}: the
     * message starts the thread, whose id was just made). {@code handoff}, when
     * given, is a client's handoff whose (sanitized) context replaces what the agent receives; {@code notice} is said
     * to the client first.
     */
    private Uni<Started> route(CallContext ctx, SendMessageRequest request, String contextId, boolean newThread,
            String named, HandoffManager.Decision handoff, String notice) {
        // A thread this message starts (its id was just made) is not looked up: there is nothing to find.
        Uni<Optional<ConversationThread>> found = newThread ? Uni.createFrom().item(Optional.empty())
                : threads.get(ctx.tenant(), contextId);
        return found.onItem().transformToUni(thread -> {
            String agent = named != null ? named
                    : thread.map(t -> t.activeAgent()).filter(a -> registry.exists(ctx.tenant(), a))
                            .orElse(entryAgent.orElse(null));
            if (agent == null || !registry.exists(ctx.tenant(), agent)) {
                throw A2aException.invalidParams("no agent named in message.metadata[" + OrchestrationCapability.URI
                        + "].agent and " + (agent == null ? "no entry agent configured (omniforge.entry-agent)"
                        : "the entry agent '" + agent + "' is not registered"));
            }
            String remoteContext = thread.map(t -> t.stateMetadata().path("agents").path(agent).path("contextId"))
                    .filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
            Uni<HandoffManager.Decision> handedOver = handoff != null ? Uni.createFrom().item(handoff)
                    : thread.isPresent() ? handoffs.pendingContext(ctx.tenant(), thread.get(), agent, request.message())
                    : Uni.createFrom().nullItem();
            return handedOver.onItem().transformToUni(owed -> registry.target(ctx.caller(), agent).onItem().transformToUni(target ->
                    create(ctx, request, contextId, target, remoteContext, owed, notice)));
        });
    }

    private Uni<Started> create(CallContext ctx, SendMessageRequest request, String contextId, AgentTarget target,
            String remoteContext, HandoffManager.Decision handoff, String notice) {
        TurnLimits.Limit limit = turnLimit(target.name(), request); // refused before anything is written
        String taskId = Ids.timeOrdered();
        correlate(contextId, taskId, target.name(), null);
        Message userMessage = request.message().withIds(contextId, taskId);
        Task task = new Task(taskId, contextId, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null,
                List.of(userMessage), AgentMetadata.mark(null, target.name(), Map.of()));
        TaskRecord record = new TaskRecord(ctx.tenant(), task, target.name(), null, remoteContext, 1, null);
        // The agent is called at once, while the creation commits. If the creation fails, the run writes nothing
        // more, the agent's task is canceled there, and the caller gets the error.
        CompletableFuture<Void> created = queueCreation(record, userMessage, c -> {
            threads.setActiveAgent(c, ctx.tenant(), contextId, target.name());
            if (handoff != null) {
                handoffs.contextDelivered(c, ctx.tenant(), contextId, handoff.record());
            }
            return null;
        });
        TaskRun run = startRun(record, ctx.caller());
        Message downstream = new Message(userMessage.messageId(), remoteContext, null, userMessage.role(),
                handoff != null ? handoff.context().parts() : userMessage.parts(),
                AgentMetadata.strip(HandoffRequest.strip(userMessage.metadata())), userMessage.extensions(), null);
        Runnable callAgent = () -> run.follow(client.answer(target, new SendMessageRequest(null, downstream,
                downstreamConfiguration(request), AgentMetadata.strip(request.metadata()))), limit);
        Uni<Void> stored = Uni.createFrom().completionStage(created).onFailure().invoke(run::creationFailed);
        if (notice == null) {
            callAgent.run();
        } else {
            // A client's handoff was refused: the client is told first, then the agent is called.
            stored = stored.call(() -> run.append(List.of(StreamResponse.of(new TaskStatusUpdateEvent(taskId, contextId,
                    TaskStatus.of(TaskState.TASK_STATE_WORKING, new Message(UUID.randomUUID().toString(), contextId,
                            taskId, io.omniforge.a2a.Role.ROLE_AGENT, List.of(io.omniforge.a2a.Part.text(notice)),
                            AgentMetadata.mark(null, target.name(), Map.of()), null, null)),
                    AgentMetadata.mark(null, target.name(), Map.of())))), null, null, List.of()))
                    .invoke(callAgent);
        }
        return stored.map(ignored -> new Started(run, task, 1, true));
    }

    /**
     * An orchestration: the task belongs to the plan (not to one agent), so the thread's active agent stays as it
     * was; the plan runs under the task's run and writes through it.
     */
    private Uni<Started> createOrchestrated(CallContext ctx, SendMessageRequest request, String contextId, Plan plan) {
        String taskId = Ids.timeOrdered();
        correlate(contextId, taskId, plan.label(), taskId);
        Message userMessage = request.message().withIds(contextId, taskId);
        Task task = new Task(taskId, contextId, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null,
                List.of(userMessage), orchestration.describe(plan, null));
        OrchestrationState state = new OrchestrationState(plan, List.of(), null);
        TaskRecord record = new TaskRecord(ctx.tenant(), task, plan.label(), null, null, 1, state);
        // The orchestration starts at once, while the creation commits. If the creation fails, the run stops, its
        // legs are canceled at their agents, and the caller gets the error.
        CompletableFuture<Void> created = queueCreation(record, userMessage, c -> null);
        TaskRun run = startRun(record, ctx.caller());
        Message input = new Message(userMessage.messageId(), null, null, userMessage.role(), userMessage.parts(),
                AgentMetadata.strip(userMessage.metadata()), userMessage.extensions(), null);
        run.orchestrate(sink -> orchestration.run(plan, input, sink));
        return Uni.createFrom().completionStage(created)
                .onFailure().invoke(run::abandon)
                .map(ignored -> new Started(run, task, 1));
    }

    /**
     * Queues a new task's creation: the user's message into its thread, then {@code more} (whatever else this kind
     * of task records with it), the task row, and event 1 (the task itself, its JSON spliced from the row's). The
     * JSON is made here, not on the store's one writer thread. The task's later writes queue behind this one (the
     * writer takes writes in order), so its work may start before the creation commits.
     */
    private CompletableFuture<Void> queueCreation(TaskRecord record, Message userMessage, SqlWork<?> more) {
        Task task = record.task();
        String taskJson = store.json(task);
        String messageJson = threads.json(userMessage);
        StreamEvent first = StreamEvent.ofTask(1, task, taskJson);
        return db.write(c -> {
            threads.appendMessage(c, record.tenant(), task.contextId(), userMessage, messageJson, task.id(), null);
            more.apply(c);
            store.insert(c, record, taskJson);
            router.append(c, task.id(), List.of(first));
            return null;
        }).replaceWithVoid().subscribeAsCompletionStage();
    }

    /** A new task's run, registered, with its live channel open. */
    private TaskRun startRun(TaskRecord record, Caller caller) {
        TaskRun run = new TaskRun(this, record, caller);
        router.open(record.id(), 1);
        runs.put(record.id(), run);
        return run;
    }

    /**
     * The ids of the task a request works on, for every log line of the rest of the request; {@code orchestrationId}
     * when the task is an orchestration (null: none).
     */
    private static void correlate(String contextId, String taskId, String agent, String orchestrationId) {
        Correlation.put(Correlation.THREAD_ID, contextId);
        Correlation.put(Correlation.TASK_ID, taskId);
        Correlation.put(Correlation.AGENT, agent);
        Correlation.put(Correlation.ORCHESTRATION_ID, orchestrationId);
    }

    /** The client answers a task that waits for input: the same downstream task gets the message. */
    private Uni<Started> resume(CallContext ctx, SendMessageRequest request) {
        Message message = request.message();
        return store.find(ctx.tenant(), message.taskId()).onItem().transformToUni(found -> {
            TaskRecord record = found.orElseThrow(() -> A2aException.taskNotFound(message.taskId()));
            Task task = record.task();
            correlate(task.contextId(), task.id(), record.agent(), record.orchestration() != null ? task.id() : null);
            if (message.contextId() != null && !message.contextId().equals(task.contextId())) {
                throw A2aException.invalidParams("message.contextId '" + message.contextId() + "' does not match the"
                        + " contextId '" + task.contextId() + "' of task " + task.id());
            }
            TaskState state = task.status().state();
            if (state.isTerminal()) {
                throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id() + " is " + state
                        + " and accepts no further messages; send a new message without taskId to start a new task");
            }
            if (!state.isInterrupted() || runs.containsKey(task.id())) {
                throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id() + " is " + state
                        + " and not waiting for input; wait for it, or cancel it");
            }
            if (record.orchestration() != null) {
                return resumeOrchestrated(ctx, request, record);
            }
            TurnLimits.Limit limit = turnLimit(record.agent(), request);
            return registry.target(ctx.caller(), record.agent()).onItem().transformToUni(target -> {
                TaskRun run = new TaskRun(this, record, ctx.caller());
                if (runs.putIfAbsent(task.id(), run) != null) {
                    throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id()
                            + " is already being resumed by another message");
                }
                router.open(task.id(), record.lastSeq());
                Message userMessage = message.withIds(task.contextId(), task.id());
                StreamResponse working = StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                        TaskStatus.of(TaskState.TASK_STATE_WORKING), AgentMetadata.mark(null, record.agent(), Map.of())));
                return run.resumeWith(userMessage, working)
                        .onFailure(StoreConflictException.class).transform(f -> new A2aException(
                                A2aError.UNSUPPORTED_OPERATION, "task " + task.id() + " was resumed by another message"
                                + " at the same time; wait for it, or cancel it"))
                        .call(() -> threads.appendMessage(ctx.tenant(), task.contextId(), userMessage, task.id(), null))
                        .map(ignored -> {
                            TaskRecord now = run.record();
                            Message downstream = new Message(userMessage.messageId(), record.remoteContextId(),
                                    record.remoteTaskId(), userMessage.role(), userMessage.parts(),
                                    AgentMetadata.strip(userMessage.metadata()), userMessage.extensions(), null);
                            run.follow(client.answer(target, new SendMessageRequest(null, downstream,
                                    downstreamConfiguration(request), AgentMetadata.strip(request.metadata()))),
                                    limit);
                            return new Started(run, now.task(), now.lastSeq());
                        });
            });
        });
    }

    /**
     * What the agent is told of the client's configuration: the output modes it accepts. The orchestrator follows
     * the agent to the end itself, so the agent's call is always blocking, with its default history.
     */
    private static SendMessageConfiguration downstreamConfiguration(SendMessageRequest request) {
        SendMessageConfiguration c = request.configuration();
        return c == null || c.acceptedOutputModes() == null ? null
                : new SendMessageConfiguration(c.acceptedOutputModes(), null, null, null);
    }

    /** A paused pipeline: the reply goes to the agent that asked, then the rest of the pipeline runs. */
    private Uni<Started> resumeOrchestrated(CallContext ctx, SendMessageRequest request, TaskRecord record) {
        Task task = record.task();
        OrchestrationState state = record.orchestration();
        if (state.pausedLeg() == null) {
            throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id() + " is " + task.status().state()
                    + " but its orchestration is not waiting on an agent");
        }
        TaskRun run = new TaskRun(this, record, ctx.caller());
        if (runs.putIfAbsent(task.id(), run) != null) {
            throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id() + " is already being resumed");
        }
        router.open(task.id(), record.lastSeq());
        Message reply = request.message().withIds(task.contextId(), task.id());
        StreamResponse working = StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                TaskStatus.of(TaskState.TASK_STATE_WORKING), orchestration.describe(state.plan(), state.legs())));
        return run.resumeWith(reply, working).map(ignored -> {
            TaskRecord now = run.record();
            Message input = new Message(reply.messageId(), null, null, reply.role(), reply.parts(),
                    AgentMetadata.strip(reply.metadata()), reply.extensions(), null);
            run.orchestrate(sink -> orchestration.resume(state, input, sink));
            return new Started(run, now.task(), now.lastSeq());
        });
    }

    /** The agent's answer as a stream of events, whether it streams or not. */

    // ------------------------------------------------------------------------------ reading and cancelling

    @Override
    public Uni<Task> getTask(CallContext ctx, GetTaskRequest request) {
        Correlation.put(Correlation.TASK_ID, request.id());
        return store.find(ctx.tenant(), request.id()).map(found -> found
                .orElseThrow(() -> A2aException.taskNotFound(request.id()))
                .task().view(request.historyLength(), true));
    }

    @Override
    public Uni<ListTasksResponse> listTasks(CallContext ctx, ListTasksRequest request) {
        return store.list(ctx.tenant(), request);
    }

    @Override
    public Uni<Task> cancelTask(CallContext ctx, CancelTaskRequest request) {
        Correlation.put(Correlation.TASK_ID, request.id());
        // Another process sharing the store may write the task in between (it runs it): read again, cancel again.
        return cancelOnce(ctx, request).onFailure(StoreConflictException.class).retry().atMost(3);
    }

    private Uni<Task> cancelOnce(CallContext ctx, CancelTaskRequest request) {
        return store.find(ctx.tenant(), request.id()).onItem().transformToUni(found -> {
            TaskRecord record = found.orElseThrow(() -> A2aException.taskNotFound(request.id()));
            TaskState state = record.task().status().state();
            if (state.isTerminal()) {
                throw new A2aException(A2aError.TASK_NOT_CANCELABLE, "task " + record.id() + " is already " + state,
                        Map.of("taskId", record.id()), null);
            }
            TaskRun existing = runs.get(record.id());
            TaskRun run;
            if (existing != null) {
                run = existing;
            } else {
                run = new TaskRun(this, record, ctx.caller());
                router.open(record.id(), record.lastSeq());
                TaskRun raced = runs.putIfAbsent(record.id(), run);
                run = raced != null ? raced : run;
            }
            TaskRun target = run;
            TaskRecord current = target.record();
            Uni<Void> downstream;
            if (current.orchestration() != null) {
                // A running orchestration cancels its agents' tasks itself; a paused one waits on one agent.
                target.stopFollowing();
                LegRecord paused = current.orchestration().pausedLeg();
                downstream = paused != null && paused.remoteTaskId() != null
                        ? cancelAtAgent(ctx.tenant(), paused.agent(), paused.remoteTaskId()) : Uni.createFrom().voidItem();
            } else if (current.remoteTaskId() != null) {
                target.stopFollowing();
                downstream = cancelAtAgent(ctx.tenant(), current.agent(), current.remoteTaskId());
            } else {
                // The agent has not said which task is its own yet: cancel it there as soon as it does.
                target.cancelWhenKnown();
                downstream = Uni.createFrom().voidItem();
            }
            Task task = current.task();
            StreamResponse canceled = StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                    TaskStatus.of(TaskState.TASK_STATE_CANCELED), AgentMetadata.mark(null, current.agent(), Map.of())));
            return downstream
                    .call(() -> target.append(List.of(canceled), null, null, List.of()))
                    .map(ignored -> {
                        Task after = target.record().task();
                        if (after.status().state() != TaskState.TASK_STATE_CANCELED) {
                            throw new A2aException(A2aError.TASK_NOT_CANCELABLE, "task " + after.id()
                                    + " reached " + after.status().state() + " before it could be canceled");
                        }
                        return after;
                    });
        });
    }

    @Override
    public Multi<StreamEvent> subscribeToTask(CallContext ctx, SubscribeToTaskRequest request) {
        Correlation.put(Correlation.TASK_ID, request.id());
        return store.find(ctx.tenant(), request.id()).onItem().transformToMulti(found -> {
            TaskRecord record = found.orElseThrow(() -> A2aException.taskNotFound(request.id()));
            TaskState state = record.task().status().state();
            if (state.isTerminal()) {
                throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + record.id() + " is " + state
                        + "; SubscribeToTask needs a task that is not finished (use GetTask)");
            }
            if (state.isInterrupted()) {
                router.open(record.id(), record.lastSeq());
            }
            Long last = ctx.lastEventId();
            StreamEvent current = last == null
                    ? new StreamEvent(record.lastSeq(), StreamResponse.of(record.task()))
                    : StreamEvent.unnumbered(StreamResponse.of(record.task()));
            long from = last == null ? record.lastSeq() : Math.max(0, Math.min(last, record.lastSeq()));
            return router.subscriber(record.id(),
                    Multi.createBy().concatenating().streams(Multi.createFrom().item(current), router.tail(record.id(), from)));
        });
    }
}
