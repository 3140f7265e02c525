package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test agent that names its task late: its stream opens at once, but its first event (the Task) comes only after
 * {@link #NAME_AFTER_MS}, and it never finishes on its own. It records every CancelTask it receives. Served at
 * {@code /test-agents/late}; register it with the management API to use it.
 */
@ApplicationScoped
public class LateAgent {

    public static final String PATH = "/test-agents/late";
    public static final long NAME_AFTER_MS = 400;
    /** The task ids CancelTask was called with. */
    public static final Set<String> CANCELED = ConcurrentHashMap.newKeySet();

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH, "late", "names its task late");
        router.post(PATH + "/a2a").handler(BodyHandler.create()).handler(ctx -> {
            JsonNode request = TestAgentRoutes.request(ctx);
            if (request == null) {
                return;
            }
            String id = request.path("id").toString();
            switch (request.path("method").asText()) {
                case "SendStreamingMessage" -> {
                    String task = "late-" + UUID.randomUUID();
                    ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(": open\n\n");
                    ctx.vertx().setTimer(NAME_AFTER_MS, t -> {
                        if (!ctx.response().closed()) {
                            ctx.response().write("data: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"task\":"
                                    + "{\"id\":\"" + task + "\",\"contextId\":\"late-context\","
                                    + "\"status\":{\"state\":\"TASK_STATE_WORKING\"}}}}\n\n");
                        }
                    });
                }
                case "CancelTask" -> {
                    String task = request.path("params").path("id").asText();
                    CANCELED.add(task);
                    ctx.response().putHeader("Content-Type", "application/json")
                            .end("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"id\":\"" + task
                                    + "\",\"contextId\":\"late-context\",\"status\":{\"state\":\"TASK_STATE_CANCELED\"}}}");
                }
                default -> ctx.response().putHeader("Content-Type", "application/json")
                        .end("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
            }
        });
    }
}
