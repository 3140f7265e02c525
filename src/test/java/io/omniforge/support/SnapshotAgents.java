package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Promise;
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

/**
 * Test agents that answer a reply to a task waiting for input as the agents of the A2A SDKs (the
 * {@code @a2a-js/sdk} family) do: the answer begins with their Task as it stands, which still says
 * {@code TASK_STATE_INPUT_REQUIRED} (with the question and the artifacts of the earlier turn), then WORKING, the
 * new artifact, COMPLETED. Served at {@code /test-agents/<name>}; register them with the management API to use them.
 * <ul>
 * <li>{@value #STREAMING} streams. A new message: its Task (submitted), WORKING, the artifact {@code draft}
 * ({@code draft: <text>}), then INPUT_REQUIRED asking {@value #QUESTION}. A reply: the Task snapshot, WORKING, then
 * (for a reply {@code hold:<token> ...}, only once {@link #release} is called with that token) the artifact
 * {@code final} ({@code final: <first text> + <reply>}) and COMPLETED; a reply {@code again} asks
 * {@value #AGAIN} instead.</li>
 * <li>{@value #PLAIN} does not stream: SendMessage answers with its Task as the same turn leaves it (blocking, as
 * those SDKs answer it): INPUT_REQUIRED with {@code draft}, then, for a reply, COMPLETED with {@code draft} and
 * {@code final}, or INPUT_REQUIRED asking {@value #AGAIN} for a reply {@code again}.</li>
 * </ul>
 */
@ApplicationScoped
public class SnapshotAgents {

    public static final String STREAMING = "snapshot";
    public static final String PLAIN = "snapshot-plain";
    public static final String PATH = "/test-agents/";
    public static final String QUESTION = "What else should I add?";
    public static final String AGAIN = "And what else?";

    private static final Map<String, Promise<Void>> HOLDS = new ConcurrentHashMap<>();
    private final Map<String, AgentTask> tasks = new ConcurrentHashMap<>();

    /** Lets the streaming agent finish the reply {@code hold:<token> ...}, whether it is already waiting or not. */
    public static void release(String token) {
        hold(token).tryComplete();
    }

    private static Promise<Void> hold(String token) {
        return HOLDS.computeIfAbsent(token, k -> Promise.promise());
    }

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH + STREAMING, STREAMING, "answers a reply with its task snapshot first", null, true);
        router.post(PATH + STREAMING + "/a2a").handler(BodyHandler.create()).handler(ctx -> handle(ctx, true));
        TestAgentRoutes.card(router, PATH + PLAIN, PLAIN, "answers each message with its task as the turn leaves it", null, false);
        router.post(PATH + PLAIN + "/a2a").handler(BodyHandler.create()).handler(ctx -> handle(ctx, false));
    }

    /** One task of these agents: what its snapshot shows. */
    private static final class AgentTask {
        final String id = "snap-task-" + UUID.randomUUID();
        final String contextId;
        final String firstText;
        String state = "TASK_STATE_SUBMITTED";
        ObjectNode statusMessage;
        final ArrayNode artifacts = Rpc.JSON.createArrayNode();
        final ArrayNode history = Rpc.JSON.createArrayNode();

        AgentTask(String contextId, String firstText) {
            this.contextId = contextId;
            this.firstText = firstText;
        }

        synchronized ObjectNode json() {
            ObjectNode task = Rpc.JSON.createObjectNode().put("id", id).put("contextId", contextId);
            ObjectNode status = task.putObject("status").put("state", state).put("timestamp", Instant.now().toString());
            if (statusMessage != null) {
                status.set("message", statusMessage.deepCopy());
            }
            if (!artifacts.isEmpty()) {
                task.set("artifacts", artifacts.deepCopy());
            }
            task.set("history", history.deepCopy());
            return task;
        }
    }

    private void handle(RoutingContext ctx, boolean streaming) {
        JsonNode request = TestAgentRoutes.request(ctx);
        if (request == null) {
            return;
        }
        JsonNode id = request.path("id");
        String method = request.path("method").asText();
        JsonNode params = request.path("params");
        switch (method) {
            case "SendStreamingMessage", "SendMessage" -> {
                if (streaming != method.equals("SendStreamingMessage")) {
                    TestAgentRoutes.error(ctx, id, -32004, method + " is not what this agent serves");
                    return;
                }
                JsonNode message = params.path("message");
                String taskId = message.path("taskId").asText(null);
                AgentTask task = taskId == null ? null : tasks.get(taskId);
                if (taskId != null && task == null) {
                    TestAgentRoutes.error(ctx, id, -32001, "no task " + taskId);
                    return;
                }
                if (task != null && !task.state.equals("TASK_STATE_INPUT_REQUIRED")) {
                    TestAgentRoutes.error(ctx, id, -32004, "task " + taskId + " is " + task.state);
                    return;
                }
                String text = text(message);
                boolean reply = task != null;
                if (!reply) {
                    String context = message.path("contextId").asText(null);
                    task = new AgentTask(context != null ? context : "snap-context-" + UUID.randomUUID(), text);
                    tasks.put(task.id, task);
                }
                ObjectNode user = ((ObjectNode) message.deepCopy()).put("taskId", task.id).put("contextId", task.contextId);
                synchronized (task) {
                    task.history.add(user);
                }
                // The opening snapshot: for a reply it still says INPUT_REQUIRED, with the question and the draft.
                ObjectNode opening = task.json();
                List<ObjectNode> rest = reply ? reply(task, text) : first(task, text);
                if (!streaming) {
                    TestAgentRoutes.reply(ctx, id, Rpc.JSON.createObjectNode().set("task", task.json()));
                    return;
                }
                String hold = reply && text.startsWith("hold:") ? text.substring(5).split("\\s", 2)[0] : null;
                HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                response.write(TestAgentRoutes.event(id, Map.of("task", opening)));
                response.write(TestAgentRoutes.event(id, rest.get(0))); // WORKING
                Context context = ctx.vertx().getOrCreateContext();
                Runnable finish = () -> {
                    for (int i = 1; i < rest.size(); i++) {
                        response.write(TestAgentRoutes.event(id, rest.get(i)));
                    }
                    response.end();
                };
                if (hold == null) {
                    finish.run();
                } else {
                    hold(hold).future().onComplete(v -> context.runOnContext(x -> finish.run()));
                }
            }
            case "GetTask", "CancelTask" -> {
                AgentTask task = tasks.get(params.path("id").asText());
                if (task == null) {
                    TestAgentRoutes.error(ctx, id, -32001, "no task " + params.path("id").asText());
                    return;
                }
                if (method.equals("CancelTask")) {
                    synchronized (task) {
                        task.state = "TASK_STATE_CANCELED";
                        task.statusMessage = null;
                    }
                }
                TestAgentRoutes.reply(ctx, id, task.json());
            }
            default -> TestAgentRoutes.error(ctx, id, -32601, "not supported: " + method);
        }
    }

    /** A new message's turn (after its Task): WORKING, the draft, then the question. */
    private static List<ObjectNode> first(AgentTask task, String text) {
        List<ObjectNode> out = new ArrayList<>();
        out.add(status(task, "TASK_STATE_WORKING", null));
        out.add(artifact(task, "draft", "draft: " + text));
        out.add(status(task, "TASK_STATE_INPUT_REQUIRED", QUESTION));
        return out;
    }

    /** A reply's turn (after the snapshot): WORKING, then the final artifact and COMPLETED, or a second question. */
    private static List<ObjectNode> reply(AgentTask task, String text) {
        List<ObjectNode> out = new ArrayList<>();
        out.add(status(task, "TASK_STATE_WORKING", null));
        if (text.equals("again")) {
            out.add(status(task, "TASK_STATE_INPUT_REQUIRED", AGAIN));
        } else {
            out.add(artifact(task, "final", "final: " + task.firstText + " + " + text));
            out.add(status(task, "TASK_STATE_COMPLETED", null));
        }
        return out;
    }

    /** A status update, applied to the task. */
    private static ObjectNode status(AgentTask task, String state, String question) {
        ObjectNode message = null;
        if (question != null) {
            message = Rpc.JSON.createObjectNode().put("messageId", UUID.randomUUID().toString()).put("role", "ROLE_AGENT")
                    .put("taskId", task.id).put("contextId", task.contextId);
            message.putArray("parts").addObject().put("text", question);
        }
        synchronized (task) {
            task.state = state;
            task.statusMessage = message;
            if (message != null) {
                task.history.add(message);
            }
        }
        ObjectNode update = Rpc.JSON.createObjectNode().put("taskId", task.id).put("contextId", task.contextId);
        ObjectNode status = update.putObject("status").put("state", state).put("timestamp", Instant.now().toString());
        if (message != null) {
            status.set("message", message.deepCopy());
        }
        ObjectNode result = Rpc.JSON.createObjectNode();
        result.set("statusUpdate", update);
        return result;
    }

    /** An artifact update (the whole artifact), applied to the task. */
    private static ObjectNode artifact(AgentTask task, String artifactId, String text) {
        ObjectNode artifact = Rpc.JSON.createObjectNode().put("artifactId", artifactId).put("name", artifactId);
        artifact.putArray("parts").addObject().put("text", text);
        synchronized (task) {
            task.artifacts.add(artifact.deepCopy());
        }
        ObjectNode update = Rpc.JSON.createObjectNode().put("taskId", task.id).put("contextId", task.contextId)
                .put("append", false).put("lastChunk", true);
        update.set("artifact", artifact);
        ObjectNode result = Rpc.JSON.createObjectNode();
        result.set("artifactUpdate", update);
        return result;
    }

    private static String text(JsonNode message) {
        StringBuilder text = new StringBuilder();
        message.path("parts").forEach(p -> text.append(p.path("text").asText("")));
        return text.toString();
    }
}
