package io.omniforge.demo;

import io.omniforge.service.A2aService;
import io.omniforge.a2a.AgentCapabilities;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.A2aException;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * An in-memory A2A agent: it keeps its tasks in a bounded LRU map and implements the task operations once;
 * a concrete agent only says what one turn of a task produces ({@link #turn}). A new message (no taskId) starts a
 * task; a message with a taskId continues a task that waits for input. Each turn runs in the background,
 * independent of the client that started it, so a client that goes away does not stop the task, and CancelTask
 * does.
 */
abstract class DemoAgent implements A2aService {

    static final String VERSION = "1.0.0";
    static final List<String> TEXT = List.of("text/plain");

    private final String name;
    private final Map<String, TaskRecord> tasks;

    DemoAgent(String name, int maxTasks) {
        if (maxTasks < 1) {
            throw new IllegalArgumentException("omniforge.demo.max-tasks must be at least 1, got " + maxTasks);
        }
        this.name = name;
        this.tasks = Collections.synchronizedMap(new Lru(maxTasks));
    }

    /** Its name, which is also its path segment under {@code /demo/}. */
    final String name() {
        return name;
    }

    abstract String description();

    abstract List<AgentSkill> skills();

    /**
     * The events of one turn of {@code task}, whose history ends with {@code message}, the message that started
     * the turn: status and artifact updates that end with a terminal or interrupted status. Called at
     * subscription; the stream is canceled when the task is.
     */
    abstract Multi<StreamResponse> turn(Task task, Message message);

    /** The extensions the agent's card declares (the handoff extension for triage and billing); none by default. */
    List<io.omniforge.a2a.AgentExtension> extensions() {
        return null;
    }

    /**
     * The handoff extension's card entry: this agent initiates and accepts handoffs, to these targets, with this
     * context.
     */
    static io.omniforge.a2a.AgentExtension handoff(List<String> targets, String context) {
        return new io.omniforge.a2a.AgentExtension(io.omniforge.a2a.HandoffCapability.URI,
                "Hands conversations off to other agents and accepts them", false,
                Map.of("initiates", true, "accepts", true, "targets", targets, "context", context, "maxDepth", 3));
    }

    /** The plain answer, plus a {@code data} part asking the orchestrator to hand the conversation over. */
    static Multi<StreamResponse> answerAndHandOff(Task task, String artifactName, String text, Map<String, Object> request) {
        Artifact artifact = Artifact.of(UUID.randomUUID().toString(), artifactName, List.of(Part.text(text, "text/plain"),
                Part.data(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                        Map.of(io.omniforge.a2a.HandoffCapability.URI, request)))));
        return Multi.createFrom().items(() -> Stream.of(
                status(task, TaskState.TASK_STATE_WORKING),
                StreamResponse.of(new TaskArtifactUpdateEvent(task.id(), task.contextId(), artifact, false, true, null)),
                status(task, TaskState.TASK_STATE_COMPLETED)));
    }

    /** Rejects a message before any task is created or changed for it; by default every message is fine. */
    void check(Message message) {
    }

    @Override
    public AgentCard card(io.omniforge.service.ServedAt at) {
        return new AgentCard(name, description(), List.of(AgentInterface.jsonRpc(at.jsonRpcUrl()),
                AgentInterface.httpJson(at.httpJsonUrl())),
                null, VERSION, null, new AgentCapabilities(true, false, extensions(), false), null, null, TEXT, TEXT, skills(),
                null, null);
    }

    @Override
    public Uni<SendMessageResponse> sendMessage(CallContext ctx, SendMessageRequest request) {
        Integer historyLength = request.configuration() == null ? null : request.configuration().historyLength();
        boolean immediately = request.configuration() != null && request.configuration().isReturnImmediately();
        return Uni.createFrom().deferred(() -> {
            Accepted accepted = accept(request.message());
            if (immediately) {
                accepted.record().start(() -> turn(accepted.task(), accepted.message()));
                return Uni.createFrom().item(SendMessageResponse.of(accepted.task().view(historyLength, true)));
            }
            Context caller = Vertx.currentContext();
            Uni<SendMessageResponse> done = follow(accepted, this::turn).collect().last()
                    .map(last -> SendMessageResponse.of(accepted.record().snapshot().view(historyLength, true)));
            return caller == null ? done : done.emitOn(command -> caller.runOnContext(v -> command.run()));
        });
    }

    @Override
    public Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request) {
        return stream(request, this::turn);
    }

    /** SendStreamingMessage with another turn than the agent's own (the flaky agent's broken streams). */
    final Multi<StreamEvent> stream(SendMessageRequest request, BiFunction<Task, Message, Multi<StreamResponse>> work) {
        return Multi.createFrom().deferred(() -> follow(accept(request.message()), work));
    }

    @Override
    public Uni<Task> getTask(CallContext ctx, GetTaskRequest request) {
        return Uni.createFrom().item(() -> find(request.id()).snapshot().view(request.historyLength(), true));
    }

    @Override
    public Uni<ListTasksResponse> listTasks(CallContext ctx, ListTasksRequest request) {
        return Uni.createFrom().item(() -> list(request));
    }

    @Override
    public Uni<Task> cancelTask(CallContext ctx, CancelTaskRequest request) {
        return Uni.createFrom().item(() -> find(request.id()).cancel());
    }

    @Override
    public Multi<StreamEvent> subscribeToTask(CallContext ctx, SubscribeToTaskRequest request) {
        return Multi.createFrom().deferred(() -> {
            TaskRecord record = find(request.id());
            return Multi.createFrom().emitter(follower -> record.follow(follower, true), TaskRecord.FOLLOWER_BUFFER);
        });
    }

    /** A task created for, or continued by, a client's message. */
    private record Accepted(TaskRecord record, Task task, Message message) {
    }

    private Accepted accept(Message message) {
        check(message);
        if (message.taskId() == null || message.taskId().isBlank()) {
            String taskId = UUID.randomUUID().toString();
            String contextId = message.contextId() == null || message.contextId().isBlank()
                    ? UUID.randomUUID().toString() : message.contextId();
            Message first = message.withIds(contextId, taskId);
            Task task = new Task(taskId, contextId, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, List.of(first), null);
            TaskRecord record = new TaskRecord(name, task);
            tasks.put(taskId, record);
            return new Accepted(record, task, first);
        }
        TaskRecord record = find(message.taskId());
        Task task = record.accept(message);
        return new Accepted(record, task, task.history().get(task.history().size() - 1));
    }

    /** The task first, then the events of the turn that starts once the stream is set up, until the turn ends. */
    private static Multi<StreamEvent> follow(Accepted accepted, BiFunction<Task, Message, Multi<StreamResponse>> work) {
        return Multi.createFrom().emitter(follower -> {
            accepted.record().follow(follower, false);
            accepted.record().start(() -> work.apply(accepted.task(), accepted.message()));
        }, TaskRecord.FOLLOWER_BUFFER);
    }

    private TaskRecord find(String taskId) {
        TaskRecord record = tasks.get(taskId);
        if (record == null) {
            throw A2aException.taskNotFound(taskId);
        }
        return record;
    }

    /** Newest status first (ties by id), filtered, one page from the cursor on. */
    private ListTasksResponse list(ListTasksRequest request) {
        List<TaskRecord> records;
        synchronized (tasks) {
            records = new ArrayList<>(tasks.values());
        }
        Comparator<Task> order = Comparator.comparing((Task t) -> t.status().timestamp(), Comparator.reverseOrder())
                .thenComparing(Task::id);
        List<Task> matching = records.stream().map(TaskRecord::snapshot)
                .filter(t -> request.contextId() == null || request.contextId().equals(t.contextId()))
                .filter(t -> request.status() == null || request.status() == t.status().state())
                .filter(t -> request.statusTimestampAfter() == null
                        || t.status().timestamp().isAfter(request.statusTimestampAfter()))
                .sorted(order)
                .toList();
        Task cursor = request.pageToken() == null || request.pageToken().isEmpty() ? null : fromPageToken(request.pageToken());
        List<Task> rest = cursor == null ? matching
                : matching.stream().filter(t -> order.compare(t, cursor) > 0).toList();
        int size = request.effectivePageSize();
        List<Task> page = rest.subList(0, Math.min(size, rest.size()));
        String next = rest.size() > size ? pageToken(page.get(page.size() - 1)) : "";
        boolean artifacts = Boolean.TRUE.equals(request.includeArtifacts());
        return new ListTasksResponse(page.stream().map(t -> t.view(request.historyLength(), artifacts)).toList(),
                next, size, matching.size());
    }

    /** The cursor names the last task of a page by its place in the order: status timestamp and id. */
    private static String pageToken(Task last) {
        Instant at = last.status().timestamp();
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Task fromPageToken(String token) {
        try {
            String[] raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
            Instant at = Instant.ofEpochSecond(Long.parseLong(raw[0]), Long.parseLong(raw[1]));
            return new Task(raw[2], null, new TaskStatus(TaskState.TASK_STATE_SUBMITTED, null, at), null, null, null);
        } catch (RuntimeException e) {
            throw A2aException.invalidParams("params.pageToken is not a token this agent returned: '" + token + "'");
        }
    }

    // --- building blocks for turns ---------------------------------------------------------------------------

    static StreamResponse status(Task task, TaskState state) {
        return StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(), TaskStatus.of(state), null));
    }

    /** A status with a message from the agent, e.g. the question of INPUT_REQUIRED. */
    static StreamResponse status(Task task, TaskState state, String text) {
        Message message = Message.agent(UUID.randomUUID().toString(), task.contextId(), task.id(), List.of(Part.text(text)));
        return StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(), TaskStatus.of(state, message), null));
    }

    static StreamResponse artifact(Task task, String artifactId, String artifactName, String text, boolean append,
            boolean lastChunk) {
        Artifact artifact = Artifact.of(artifactId, artifactName, List.of(Part.text(text, "text/plain")));
        return StreamResponse.of(new TaskArtifactUpdateEvent(task.id(), task.contextId(), artifact, append, lastChunk, null));
    }

    /** The plain answer: WORKING, one artifact with one text part, COMPLETED. */
    static Multi<StreamResponse> answer(Task task, String artifactName, String text) {
        return Multi.createFrom().items(() -> Stream.of(
                status(task, TaskState.TASK_STATE_WORKING),
                artifact(task, UUID.randomUUID().toString(), artifactName, text, false, true),
                status(task, TaskState.TASK_STATE_COMPLETED)));
    }

    /** Access-ordered, at most {@code maxTasks} entries; the dropped task is told so its work stops. */
    private static final class Lru extends LinkedHashMap<String, TaskRecord> {
        private static final long serialVersionUID = 1L;
        private final int maxTasks;

        Lru(int maxTasks) {
            super(256, 0.75f, true);
            this.maxTasks = maxTasks;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRecord> eldest) {
            if (size() <= maxTasks) {
                return false;
            }
            eldest.getValue().evict(maxTasks);
            return true;
        }
    }
}
