package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Test agents that answer what real agents sometimes do and the gateway cannot read, or reads only with care.
 * <ul>
 * <li>{@value #RPC03} (A2A 0.3 JSON-RPC): {@code message/send} answers a task in the state {@code unknown};
 * {@code tasks/get} a task whose text part has no text; {@code tasks/cancel} ADK's way, -32603 with the standard
 * message {@code Task not cancelable: <id>}.</li>
 * <li>{@value #REST} (A2A 1.0 HTTP+JSON): {@code GET /tasks/{id}} answers HTTP 500 with an HTML page;
 * {@code POST /tasks/{id}:cancel} a google.rpc.Status error without an ErrorInfo detail.</li>
 * </ul>
 */
@ApplicationScoped
public class OddAgents {

    public static final String RPC03 = "/test-agents/odd03";
    public static final String REST = "/test-agents/odd-rest";

    void mount(@Observes Router router) {
        router.post(RPC03 + "/a2a").handler(BodyHandler.create()).handler(ctx -> {
            JsonNode request = TestAgentRoutes.request(ctx);
            if (request == null) {
                return;
            }
            String id = request.path("id").toString();
            String body = switch (request.path("method").asText()) {
                case "message/send" -> "\"result\":{\"kind\":\"task\",\"id\":\"t\",\"contextId\":\"c\",\"status\":{\"state\":\"unknown\"}}";
                case "tasks/get" -> "\"result\":{\"kind\":\"task\",\"id\":\"t\",\"contextId\":\"c\",\"status\":{\"state\":\"working\"},"
                        + "\"artifacts\":[{\"artifactId\":\"a\",\"parts\":[{\"kind\":\"text\"}]}]}";
                case "tasks/cancel" -> "\"error\":{\"code\":-32603,\"message\":\"Task not cancelable: t\"}";
                default -> "\"error\":{\"code\":-32601,\"message\":\"Method not found\"}";
            };
            ctx.response().putHeader("Content-Type", "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":" + id + "," + body + "}");
        });
        router.get(REST + "/tasks/:id").handler(ctx -> ctx.response().setStatusCode(500)
                .putHeader("Content-Type", "text/html").end("<html><body>Internal Server Error</body></html>"));
        router.post(REST + "/tasks/:action").handler(ctx -> ctx.response().setStatusCode(400)
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"code\":400,\"status\":\"FAILED_PRECONDITION\",\"message\":\"not now\",\"details\":[]}}"));
    }
}
