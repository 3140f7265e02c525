package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.HandoffCapability;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test agents for the outcomes of a one-way handoff, served at {@code /test-agents/<name>}; register them with the
 * management API to use them.
 * <ul>
 * <li>{@code oneway} answers, and asks to hand the conversation to the agent its message names ({@code to:<agent>})
 * with {@code expectReturn} false; its card initiates handoffs to {@code sink}, {@code broken} and {@code oneway2}
 * (itself, registered under a second name).</li>
 * <li>{@code sink} accepts handoffs and completes its task, answering {@code sink: <what it received>}.</li>
 * <li>{@code broken} accepts handoffs (its card says so) but every JSON-RPC call to it fails: HTTP 500 with a
 * JSON-RPC internal error.</li>
 * </ul>
 */
@ApplicationScoped
public class HandoffTestAgents {

    public static final String ONEWAY = "oneway";
    public static final String SINK = "sink";
    public static final String BROKEN = "broken";
    /** The name a test may register {@code oneway} under a second time, to hand a conversation on twice. */
    public static final String TWIN = "oneway2";
    public static final String PATH = "/test-agents/";

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH + ONEWAY, ONEWAY, "hands conversations off and does not want them back",
                extension(true, List.of(SINK, BROKEN, TWIN)));
        router.post(PATH + ONEWAY + "/a2a").handler(BodyHandler.create()).handler(ctx -> answer(ctx, ONEWAY, text -> {
            String to = text.startsWith("to:") ? text.substring(3).split("\\s", 2)[0] : SINK;
            return List.of(Map.of("text", "oneway: passing you on to " + to), Map.of("data",
                    Map.of(HandoffCapability.URI, Map.of("to", to, "reason", "one-way test handoff",
                            "summary", "The user says: " + text, "expectReturn", false))));
        }));

        TestAgentRoutes.card(router, PATH + SINK, SINK, "takes handed-off conversations and finishes them",
                extension(false, List.of()));
        router.post(PATH + SINK + "/a2a").handler(BodyHandler.create())
                .handler(ctx -> answer(ctx, SINK, text -> List.of(Map.of("text", "sink: " + text))));

        TestAgentRoutes.card(router, PATH + BROKEN, BROKEN, "says it accepts handoffs but cannot be called",
                extension(false, List.of()));
        router.post(PATH + BROKEN + "/a2a").handler(BodyHandler.create()).handler(ctx -> {
            JsonNode request = TestAgentRoutes.request(ctx);
            if (request == null) {
                return;
            }
            ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end("{\"jsonrpc\":\"2.0\",\"id\":" + request.path("id") + ",\"error\":{\"code\":-32603,"
                            + "\"message\":\"broken is down\"}}");
        });
    }

    /** The handoff extension: accepts always, initiates (to {@code targets}) when asked to, wants a summary. */
    private static String extension(boolean initiates, List<String> targets) {
        return write(List.of(Map.of("uri", HandoffCapability.URI, "required", false, "params",
                Map.of("initiates", initiates, "accepts", true, "targets", targets, "context", "summary"))));
    }

    /**
     * Answers SendStreamingMessage with an SSE stream: its task (working), one artifact with {@code parts} (made from
     * the text of the message received), then completed. Any other method is not supported.
     */
    private static void answer(RoutingContext ctx, String agent, java.util.function.Function<String, List<Map<String, Object>>> parts) {
        JsonNode request = TestAgentRoutes.request(ctx);
        if (request == null) {
            return;
        }
        JsonNode id = request.path("id");
        if (!"SendStreamingMessage".equals(request.path("method").asText())) {
            ctx.response().putHeader("Content-Type", "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"error\":{\"code\":-32601,\"message\":\"only SendStreamingMessage\"}}");
            return;
        }
        StringBuilder text = new StringBuilder();
        request.path("params").path("message").path("parts").forEach(p -> text.append(p.path("text").asText("")));
        String task = agent + "-task-" + UUID.randomUUID();
        String context = agent + "-context-" + UUID.randomUUID();
        ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
                .write(event(id, Map.of("task", Map.of("id", task, "contextId", context,
                        "status", Map.of("state", "TASK_STATE_WORKING")))))
                .compose(v -> ctx.response().write(event(id, Map.of("artifactUpdate", Map.of("taskId", task,
                        "contextId", context, "lastChunk", true, "artifact", Map.of("artifactId", UUID.randomUUID().toString(),
                                "name", agent, "parts", parts.apply(text.toString())))))))
                .compose(v -> ctx.response().end(event(id, Map.of("statusUpdate", Map.of("taskId", task,
                        "contextId", context, "status", Map.of("state", "TASK_STATE_COMPLETED"))))));
    }

    private static String event(JsonNode id, Map<String, Object> result) {
        ObjectNode envelope = Rpc.JSON.createObjectNode().put("jsonrpc", "2.0");
        envelope.set("id", id);
        envelope.set("result", Rpc.JSON.valueToTree(result));
        return "data: " + write(envelope) + "\n\n";
    }

    private static String write(Object value) {
        try {
            return Rpc.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
