package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agents whose tasks outlive the gateway's process, for the tests of what a restarted gateway does with the tasks it
 * was following: the test starts a task here ({@link #start}), writes the gateway's side of it into the store as a
 * process that died would have left it, and drives the task on ({@link #add}, {@link #complete}) while the gateway
 * follows it again. Served at {@code /test-agents/<name>}; register them with the management API to use them.
 * <ul>
 * <li>{@value #STREAMING} streams: SubscribeToTask answers the task as it stands, then each change as it happens,
 * until the task ends (a task that already ended: -32004, as the specification says); GetTask, CancelTask.</li>
 * <li>{@value #PLAIN} does not stream (its card says so): GetTask and CancelTask only.</li>
 * <li>{@value #GONE} has a card whose interface is on a port where nothing listens: every call is refused.</li>
 * </ul>
 * The three share their tasks. Each task has one artifact, {@value #ARTIFACT}, whose chunks {@link #add} appends.
 */
@ApplicationScoped
public class ResumableAgents {

    public static final String STREAMING = "resumable";
    public static final String PLAIN = "resumable-plain";
    public static final String GONE = "resumable-gone";
    public static final String PATH = "/test-agents/";
    public static final String ARTIFACT = "answer";

    public static final AtomicInteger SUBSCRIPTIONS = new AtomicInteger();
    public static final AtomicInteger GET_TASKS = new AtomicInteger();

    private static final Map<String, AgentTask> TASKS = new ConcurrentHashMap<>();

    /** A new task, WORKING, whose artifact holds {@code firstChunk}; its id. */
    public static String start(String firstChunk) {
        AgentTask task = new AgentTask();
        task.text.append(firstChunk);
        TASKS.put(task.id, task);
        return task.id;
    }

    /** Appends {@code chunk} to the task's artifact; live subscribers get it as an appended chunk. */
    public static void add(String taskId, String chunk) {
        AgentTask task = TASKS.get(taskId);
        synchronized (task) {
            task.text.append(chunk);
            ObjectNode update = Rpc.JSON.createObjectNode().put("taskId", task.id).put("contextId", task.contextId)
                    .put("append", true).put("lastChunk", false);
            update.set("artifact", artifact(chunk));
            task.push(Map.of("artifactUpdate", update), false);
        }
    }

    /** The task completes; live subscribers get the COMPLETED status, and their streams end. */
    public static void complete(String taskId) {
        end(TASKS.get(taskId), "TASK_STATE_COMPLETED");
    }

    /** The task's artifact as it stands at the agent. */
    public static String text(String taskId) {
        AgentTask task = TASKS.get(taskId);
        synchronized (task) {
            return task.text.toString();
        }
    }

    private static void end(AgentTask task, String state) {
        synchronized (task) {
            if (task.state.equals("TASK_STATE_WORKING")) {
                task.state = state;
                ObjectNode update = Rpc.JSON.createObjectNode().put("taskId", task.id).put("contextId", task.contextId);
                update.putObject("status").put("state", state).put("timestamp", Instant.now().toString());
                task.push(Map.of("statusUpdate", update), true);
            }
        }
    }

    private static ObjectNode artifact(String text) {
        ObjectNode artifact = Rpc.JSON.createObjectNode().put("artifactId", ARTIFACT).put("name", ARTIFACT);
        artifact.putArray("parts").addObject().put("text", text);
        return artifact;
    }

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH + STREAMING, STREAMING, "follows its tasks after the gateway restarts", null, true);
        router.post(PATH + STREAMING + "/a2a").handler(BodyHandler.create()).handler(ctx -> handle(ctx, true));
        TestAgentRoutes.card(router, PATH + PLAIN, PLAIN, "answers GetTask only", null, false);
        router.post(PATH + PLAIN + "/a2a").handler(BodyHandler.create()).handler(ctx -> handle(ctx, false));
        router.get(PATH + GONE + "/.well-known/agent-card.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"name\":\"" + GONE + "\",\"description\":\"gone\",\"version\":\"1\",\"supportedInterfaces\":"
                        + "[{\"url\":\"http://127.0.0.1:1/a2a\",\"protocolBinding\":\"JSONRPC\",\"protocolVersion\":\"1.0\"}],"
                        + "\"capabilities\":{\"streaming\":true},\"skills\":[]}"));
    }

    /** One task: its state, its artifact's text, and the streams that follow it. */
    private static final class AgentTask {
        final String id = "resumable-" + UUID.randomUUID();
        final String contextId = "resumable-context-" + UUID.randomUUID();
        final StringBuilder text = new StringBuilder();
        String state = "TASK_STATE_WORKING";
        final List<Follower> followers = new ArrayList<>();

        /** The task as it stands (call it holding the task's lock). */
        ObjectNode json() {
            ObjectNode task = Rpc.JSON.createObjectNode().put("id", id).put("contextId", contextId);
            task.putObject("status").put("state", state);
            task.putArray("artifacts").add(artifact(text.toString()));
            return task;
        }

        /** Writes {@code result} to every stream that follows the task (holding its lock); the last one ends them. */
        void push(Object result, boolean last) {
            for (Follower f : followers) {
                f.context.runOnContext(v -> {
                    f.response.write(TestAgentRoutes.event(f.id, result));
                    if (last) {
                        f.response.end();
                    }
                });
            }
            if (last) {
                followers.clear();
            }
        }
    }

    private record Follower(HttpServerResponse response, Context context, JsonNode id) {
    }

    private void handle(RoutingContext ctx, boolean streaming) {
        JsonNode request = TestAgentRoutes.request(ctx);
        if (request == null) {
            return;
        }
        JsonNode id = request.path("id");
        String method = request.path("method").asText();
        AgentTask task = TASKS.get(request.path("params").path("id").asText());
        if (!List.of("SubscribeToTask", "GetTask", "CancelTask").contains(method)
                || (method.equals("SubscribeToTask") && !streaming)) {
            TestAgentRoutes.error(ctx, id, -32601, "not supported: " + method);
            return;
        }
        if (task == null) {
            TestAgentRoutes.error(ctx, id, -32001, "no task " + request.path("params").path("id").asText());
            return;
        }
        switch (method) {
            case "SubscribeToTask" -> {
                SUBSCRIPTIONS.incrementAndGet();
                synchronized (task) {
                    if (!task.state.equals("TASK_STATE_WORKING")) {
                        TestAgentRoutes.error(ctx, id, -32004, "task " + task.id + " is " + task.state);
                        return;
                    }
                    HttpServerResponse response = ctx.response().setChunked(true)
                            .putHeader("Content-Type", "text/event-stream");
                    response.write(TestAgentRoutes.event(id, Map.of("task", task.json())));
                    Follower follower = new Follower(response, ctx.vertx().getOrCreateContext(), id);
                    task.followers.add(follower);
                    response.closeHandler(v -> {
                        synchronized (task) {
                            task.followers.remove(follower);
                        }
                    });
                }
            }
            case "GetTask" -> {
                GET_TASKS.incrementAndGet();
                synchronized (task) {
                    TestAgentRoutes.reply(ctx, id, task.json());
                }
            }
            default -> {
                end(task, "TASK_STATE_CANCELED");
                synchronized (task) {
                    TestAgentRoutes.reply(ctx, id, task.json());
                }
            }
        }
    }
}
