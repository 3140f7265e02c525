package io.omniforge.api;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.service.A2aService;
import io.omniforge.a2a.AgentCard;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A test service whose failures no real agent provokes on demand, served over HTTP+JSON at {@link #PATH} (not
 * secured): its streams fail after their first event ({@link A2aError#TASK_NOT_FOUND}, to see the error event's
 * shape), its GetTask throws a plain exception (an internal error), the rest is a task that exists.
 */
@ApplicationScoped
public class BrokenService implements A2aService {

    public static final String PATH = "/test/broken";

    void mount(@Observes Router router, HttpJsonTransport httpJson) {
        httpJson.mount(router, PATH, this, false);
    }

    private static Task task() {
        return new Task("t-broken", "c-broken", TaskStatus.of(TaskState.TASK_STATE_WORKING), null, null, null);
    }

    /** The task, then (a moment later, so that the task has gone out on its own) TaskNotFound. */
    private static Multi<StreamEvent> firstThenFail() {
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(new StreamEvent(1, StreamResponse.of(task()))),
                Uni.createFrom().<StreamEvent>nullItem().onItem().delayIt().by(java.time.Duration.ofMillis(200))
                        .onItem().failWith(i -> A2aException.taskNotFound("t-broken")).toMulti());
    }

    @Override
    public AgentCard card(io.omniforge.service.ServedAt at) {
        throw new UnsupportedOperationException("no card");
    }

    @Override
    public Uni<SendMessageResponse> sendMessage(CallContext ctx, SendMessageRequest request) {
        return Uni.createFrom().item(SendMessageResponse.of(task()));
    }

    @Override
    public Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request) {
        return firstThenFail();
    }

    @Override
    public Uni<Task> getTask(CallContext ctx, GetTaskRequest request) {
        return Uni.createFrom().failure(new IllegalStateException("a bug with a secret inside"));
    }

    @Override
    public Uni<ListTasksResponse> listTasks(CallContext ctx, ListTasksRequest request) {
        return Uni.createFrom().failure(new A2aException(A2aError.INVALID_AGENT_RESPONSE, "a broken answer"));
    }

    @Override
    public Uni<Task> cancelTask(CallContext ctx, CancelTaskRequest request) {
        return Uni.createFrom().item(task());
    }

    @Override
    public Multi<StreamEvent> subscribeToTask(CallContext ctx, SubscribeToTaskRequest request) {
        return firstThenFail();
    }
}
