package io.omniforge.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aService;
import io.omniforge.a2a.AgentCapabilities;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.AgentProvider;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.CallContext;
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
import io.omniforge.api.ApiConfig;
import io.omniforge.observability.Correlation;
import io.omniforge.observability.Telemetry;
import io.omniforge.store.Db;
import io.omniforge.stream.StreamRouter;
import io.omniforge.thread.ThreadManager;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The orchestrator as an A2A agent. Each message is routed to one agent (named in the message's metadata, else
 * the thread's active agent, else the entry agent); the client sees the orchestrator's own task and context ids,
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
    private final ApiConfig api;
    private final ObjectMapper mapper;
    private final Optional<String> entryAgent;
    private final Telemetry telemetry;
    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();

    public TaskManager(AgentRegistry registry, AgentClient client, TaskStore store, ThreadManager threads,
            StreamRouter router, Db db, GatewayConfig config, ApiConfig api, ObjectMapper mapper,
            @ConfigProperty(name = "omniforge.entry-agent") Optional<String> entryAgent,
            Telemetry telemetry) {
        this.registry = registry;
        this.client = client;
        this.store = store;
        this.threads = threads;
        this.router = router;
        this.db = db;
        this.config = config;
        this.api = api;
        this.mapper = mapper;
        this.entryAgent = entryAgent;
        this.telemetry = telemetry;
    }

    Db db() {
        return db;
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

    /** Tasks that were working when the process stopped have lost their agent's stream: they fail, saying why. */
    void recover(@Observes StartupEvent event) {
        List<TaskRecord> orphans = store.running().await().atMost(Duration.ofSeconds(30));
        for (TaskRecord r : orphans) {
            TaskRun run = new TaskRun(this, r);
            router.open(r.id(), r.lastSeq());
            runs.put(r.id(), run);
            run.failWith(new A2aException(A2aError.INTERNAL_ERROR,
                    "the orchestrator restarted while agent '" + r.agent() + "' was working on this task; send the message again"));
        }
        if (!orphans.isEmpty()) {
            LOG.infof("%d tasks that were running before the restart were marked failed", orphans.size());
        }
    }

    /** A run that stopped because the store failed: it leaves, and its subscribers finish what was stored. */
    void abandoned(TaskRun run) {
        runs.remove(run.id(), run);
        router.close(run.id());
    }

    /** Best effort: asks an agent to cancel its task; a failure is logged, the upstream task is canceled anyway. */
    Uni<Void> cancelAtAgent(String agent, String remoteTaskId) {
        return registry.target(agent)
                .onItem().transformToUni(t -> client.cancelTask(t, remoteTaskId))
                .onFailure(A2aException.class::isInstance).invoke(f -> LOG.infof(
                        "agent %s did not cancel its task %s: %s", agent, remoteTaskId, f.getMessage()))
                .onFailure(A2aException.class::isInstance).recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Called once a task's final or interrupted state has been committed. A finished task's stream closes; an
     * interrupted one keeps its channel so that subscribers see the reply being worked on.
     */
    void finished(TaskRun run) {
        runs.remove(run.id(), run);
        if (run.record().task().status().state().isTerminal()) {
            telemetry.taskFinished(run.record().agent(), run.record().task().status().state().name());
            router.close(run.id());
        } else {
            router.idle(run.id());
        }
    }

    // ---------------------------------------------------------------------------------------------- card

    @Override
    public AgentCard card(String baseUrl) {
        List<AgentSkill> skills = new ArrayList<>();
        registry.list().forEach(agent -> {
            List<String> tags = new ArrayList<>();
            String description = "Routes the conversation to agent '" + agent.name() + "'";
            if (agent.card() != null) {
                description = agent.card().description() != null ? agent.card().description() : description;
                if (agent.card().skills() != null) {
                    agent.card().skills().forEach(s -> {
                        if (s.tags() != null) {
                            s.tags().stream().filter(t -> !tags.contains(t)).forEach(tags::add);
                        }
                    });
                }
            }
            List<String> examples = new ArrayList<>();
            if (agent.card() != null && agent.card().skills() != null) {
                agent.card().skills().forEach(sk -> {
                    if (sk.examples() != null) {
                        examples.addAll(sk.examples());
                    }
                });
            }
            skills.add(new AgentSkill("agent:" + agent.name(), agent.name(), description + " (select it with message"
                    + " metadata {\"" + OrchestrationCapability.URI + "\": {\"agent\": \"" + agent.name() + "\"}})",
                    tags, examples.isEmpty() ? null : examples, null, null, null));
        });
        OrchestrationCapability orchestration = new OrchestrationCapability(List.of("route"), List.of(),
                null, registry.list().stream().map(a -> a.name()).toList());
        return new AgentCard(config.name(), config.description(),
                List.of(AgentInterface.jsonRpc(baseUrl + api.jsonRpcPath())),
                new AgentProvider("OmniForge", baseUrl),
                config.version(), null,
                new AgentCapabilities(true, false, List.of(orchestration.toExtension(mapper, false)), false),
                null, null,
                List.of("text/plain", "application/json"), List.of("text/plain", "application/json"),
                skills, null, null);
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
            return router.tail(run.id(), started.seq()).collect().last()
                    .ifNoItem().after(config.blockingTimeout()).recoverWithItem((StreamEvent) null)
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
                        return SendMessageResponse.of(run.record().task().view(historyLength, true));
                    });
        });
    }

    @Override
    public Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request) {
        Integer historyLength = request.configuration() == null ? null : request.configuration().historyLength();
        return start(ctx, request).onItem().transformToMulti(started -> Multi.createBy().concatenating().streams(
                Multi.createFrom().item(new StreamEvent(started.seq(), StreamResponse.of(started.task().view(historyLength, true)))),
                router.tail(started.run().id(), started.seq())));
    }

    /** A task created (or resumed) and its agent called; {@code task} and {@code seq} are as of before the call. */
    record Started(TaskRun run, Task task, long seq) {
    }

    private Uni<Started> start(CallContext ctx, SendMessageRequest request) {
        Message message = request.message();
        if (message.taskId() != null && !message.taskId().isBlank()) {
            return resume(ctx, request);
        }
        String named = Optional.ofNullable(AgentMetadata.agentIn(message.metadata()))
                .orElse(AgentMetadata.agentIn(request.metadata()));
        if (named != null && !registry.exists(named)) {
            return Uni.createFrom().failure(A2aException.invalidParams("unknown agent '" + named + "' in message.metadata["
                    + OrchestrationCapability.URI + "].agent; known agents: "
                    + String.join(", ", registry.list().stream().map(a -> a.name()).toList())));
        }
        String contextId = message.contextId() != null && !message.contextId().isBlank()
                ? message.contextId() : UUID.randomUUID().toString();
        return threads.get(ctx.tenant(), contextId).onItem().transformToUni(thread -> {
            String agent = named != null ? named
                    : thread.map(t -> t.activeAgent()).filter(registry::exists).orElse(entryAgent.orElse(null));
            if (agent == null || !registry.exists(agent)) {
                throw A2aException.invalidParams("no agent named in message.metadata[" + OrchestrationCapability.URI
                        + "].agent and " + (agent == null ? "no entry agent configured (omniforge.entry-agent)"
                        : "the entry agent '" + agent + "' is not registered"));
            }
            String remoteContext = thread.map(t -> t.stateMetadata().path("agents").path(agent).path("contextId"))
                    .filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
            return registry.target(agent).onItem().transformToUni(target ->
                    create(ctx, request, contextId, target, remoteContext));
        });
    }

    private Uni<Started> create(CallContext ctx, SendMessageRequest request, String contextId, AgentTarget target,
            String remoteContext) {
        String taskId = UUID.randomUUID().toString();
        correlate(contextId, taskId, target.name());
        Message userMessage = request.message().withIds(contextId, taskId);
        Task task = new Task(taskId, contextId, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null,
                List.of(userMessage), AgentMetadata.mark(null, target.name(), Map.of()));
        TaskRecord record = new TaskRecord(ctx.tenant(), task, target.name(), null, remoteContext, 1);
        StreamEvent first = new StreamEvent(1, StreamResponse.of(task));
        return db.write(c -> {
            threads.getOrCreate(c, ctx.tenant(), contextId);
            threads.appendMessage(c, ctx.tenant(), contextId, userMessage, taskId, null);
            threads.setActiveAgent(c, ctx.tenant(), contextId, target.name());
            store.insert(c, record);
            router.append(c, taskId, first);
            return null;
        }).map(ignored -> {
            TaskRun run = new TaskRun(this, record);
            router.open(taskId, 1);
            runs.put(taskId, run);
            Message downstream = new Message(userMessage.messageId(), remoteContext, null, userMessage.role(),
                    userMessage.parts(), AgentMetadata.strip(userMessage.metadata()), userMessage.extensions(),
                    null);
            run.follow(call(target, new SendMessageRequest(null, downstream, downstreamConfiguration(request),
                    AgentMetadata.strip(request.metadata()))));
            return new Started(run, task, 1);
        });
    }

    /** The ids of the task a request works on, for every log line of the rest of the request. */
    private static void correlate(String contextId, String taskId, String agent) {
        Correlation.put(Correlation.THREAD_ID, contextId);
        Correlation.put(Correlation.TASK_ID, taskId);
        Correlation.put(Correlation.AGENT, agent);
    }

    /** The client answers a task that waits for input: the same downstream task gets the message. */
    private Uni<Started> resume(CallContext ctx, SendMessageRequest request) {
        Message message = request.message();
        return store.find(ctx.tenant(), message.taskId()).onItem().transformToUni(found -> {
            TaskRecord record = found.orElseThrow(() -> A2aException.taskNotFound(message.taskId()));
            Task task = record.task();
            correlate(task.contextId(), task.id(), record.agent());
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
            return registry.target(record.agent()).onItem().transformToUni(target -> {
                TaskRun run = new TaskRun(this, record);
                if (runs.putIfAbsent(task.id(), run) != null) {
                    throw new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + task.id()
                            + " is already being resumed by another message");
                }
                router.open(task.id(), record.lastSeq());
                Message userMessage = message.withIds(task.contextId(), task.id());
                StreamResponse working = StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                        TaskStatus.of(TaskState.TASK_STATE_WORKING), AgentMetadata.mark(null, record.agent(), Map.of())));
                return run.resumeWith(userMessage, working)
                        .call(() -> threads.appendMessage(ctx.tenant(), task.contextId(), userMessage, task.id(), null))
                        .map(ignored -> {
                            TaskRecord now = run.record();
                            Message downstream = new Message(userMessage.messageId(), record.remoteContextId(),
                                    record.remoteTaskId(), userMessage.role(), userMessage.parts(),
                                    AgentMetadata.strip(userMessage.metadata()), userMessage.extensions(), null);
                            run.follow(call(target, new SendMessageRequest(null, downstream,
                                    downstreamConfiguration(request), AgentMetadata.strip(request.metadata()))));
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

    /** The agent's answer as a stream of events, whether it streams or not. */
    private Multi<StreamResponse> call(AgentTarget target, SendMessageRequest request) {
        if (target.streaming()) {
            return client.sendStreamingMessage(target, request);
        }
        return client.sendMessage(target, request).toMulti()
                .map(r -> r.task() != null ? StreamResponse.of(r.task()) : StreamResponse.of(r.message()));
    }

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
                run = new TaskRun(this, record);
                router.open(record.id(), record.lastSeq());
                TaskRun raced = runs.putIfAbsent(record.id(), run);
                run = raced != null ? raced : run;
            }
            TaskRun target = run;
            TaskRecord current = target.record();
            Uni<Void> downstream;
            if (current.remoteTaskId() != null) {
                target.stopFollowing();
                downstream = cancelAtAgent(current.agent(), current.remoteTaskId());
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
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(current), router.tail(record.id(), from));
        });
    }
}
