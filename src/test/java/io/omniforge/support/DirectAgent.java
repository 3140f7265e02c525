package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * A test agent that answers every message with a Message and never makes a task: SendStreamingMessage with a stream
 * of that one Message, SendMessage with {@code {"message": ...}}. The message keeps the context it was sent in, or
 * starts one ({@code direct-context-<uuid>}), carries {@code {"test": "kept"}} in its metadata, and says what it
 * received: {@code direct: <text> [got <context received, or none>, context <its context>]}. Served at
 * {@code /test-agents/direct}; register it with the management API to use it.
 */
@ApplicationScoped
public class DirectAgent {

    public static final String NAME = "direct";
    public static final String PATH = "/test-agents/" + NAME;

    void mount(@Observes Router router) {
        TestAgentRoutes.card(router, PATH, NAME, "answers with a Message, never a task");
        router.post(PATH + "/a2a").handler(BodyHandler.create()).handler(ctx -> {
            JsonNode request = TestAgentRoutes.request(ctx);
            if (request == null) {
                return;
            }
            String method = request.path("method").asText();
            ObjectNode envelope = Rpc.JSON.createObjectNode().put("jsonrpc", "2.0");
            envelope.set("id", request.path("id"));
            if (!method.equals("SendStreamingMessage") && !method.equals("SendMessage")) {
                envelope.putObject("error").put("code", -32601).put("message", "not supported: " + method);
                ctx.response().putHeader("Content-Type", "application/json").end(envelope.toString());
                return;
            }
            JsonNode message = request.path("params").path("message");
            StringBuilder text = new StringBuilder();
            message.path("parts").forEach(p -> text.append(p.path("text").asText("")));
            String received = message.path("contextId").asText(null);
            String context = received != null ? received : "direct-context-" + UUID.randomUUID();
            ObjectNode answer = Rpc.JSON.createObjectNode().put("messageId", "direct-" + UUID.randomUUID())
                    .put("contextId", context).put("role", "ROLE_AGENT");
            answer.putArray("parts").addObject().put("text", "direct: " + text + " [got "
                    + (received == null ? "none" : received) + ", context " + context + "]");
            answer.putObject("metadata").put("test", "kept");
            envelope.putObject("result").set("message", answer);
            if (method.equals("SendMessage")) {
                ctx.response().putHeader("Content-Type", "application/json").end(envelope.toString());
            } else {
                ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
                        .end("data: " + envelope + "\n\n");
            }
        });
    }
}
