package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test agent whose stream always breaks after its first event, while its task goes on to complete: the
 * orchestrator has to recover the answer at the agent (SubscribeToTask, then GetTask). Served at
 * {@code /test-agents/breaking}; register it with the management API to use it.
 */
@ApplicationScoped
public class BreakingAgent {

    public static final String PATH = "/test-agents/breaking";
    public static final AtomicInteger GET_TASKS = new AtomicInteger();

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH, "breaking", "breaks its streams");
        router.post(PATH + "/a2a").handler(BodyHandler.create()).handler(ctx -> {
            JsonNode request = TestAgentRoutes.request(ctx);
            if (request == null) {
                return;
            }
            String id = request.path("id").toString();
            String task = "{\"id\":\"breaking-task\",\"contextId\":\"breaking-context\",\"status\":{\"state\":\"%s\"}%s}";
            switch (request.path("method").asText()) {
                case "SendStreamingMessage" -> {
                    HttpConnection connection = ctx.request().connection();
                    ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
                            .write("data: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"task\":"
                                    + String.format(task, "TASK_STATE_WORKING", "") + "}}\n\n")
                            .onComplete(done -> connection.close());
                }
                case "SubscribeToTask" -> ctx.response().putHeader("Content-Type", "application/json")
                        .end("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32004,"
                                + "\"message\":\"the task is finished\"}}");
                case "GetTask" -> {
                    GET_TASKS.incrementAndGet();
                    ctx.response().putHeader("Content-Type", "application/json")
                            .end("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + String.format(task,
                                    "TASK_STATE_COMPLETED", ",\"artifacts\":[{\"artifactId\":\"a\",\"parts\":[{\"text\":\"recovered\"}]}]")
                                    + "}");
                }
                default -> ctx.response().putHeader("Content-Type", "application/json")
                        .end("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
            }
        });
    }
}
