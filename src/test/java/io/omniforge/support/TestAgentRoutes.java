package io.omniforge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** What the hand-written test agents share: a minimal streaming card, and reading a JSON-RPC request. */
final class TestAgentRoutes {

    private static final ObjectMapper JSON = A2aJson.newMapper();

    private TestAgentRoutes() {
    }

    /** Serves {@code <path>/.well-known/agent-card.json}: a streaming JSON-RPC agent at {@code <path>/a2a}. */
    static void card(Router router, String path, String name, String description) {
        card(router, path, name, description, null);
    }

    /** The same card, declaring {@code extensions} (a JSON array of AgentExtension) under its capabilities. */
    static void card(Router router, String path, String name, String description, String extensions) {
        card(router, path, name, description, extensions, true);
    }

    /** The card of an agent that streams or not ({@code capabilities.streaming}), with {@code extensions} or none. */
    static void card(Router router, String path, String name, String description, String extensions, boolean streaming) {
        router.get(path + "/.well-known/agent-card.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"version\":\"1\","
                        + "\"supportedInterfaces\":[{\"url\":\"http://" + ctx.request().host() + path + "/a2a\","
                        + "\"protocolBinding\":\"JSONRPC\",\"protocolVersion\":\"1.0\"}],"
                        + "\"capabilities\":{\"streaming\":" + streaming + (extensions == null ? "" : ",\"extensions\":" + extensions)
                        + "},\"skills\":[]}"));
    }

    /** The request's JSON; null, after answering 400, when the body is not JSON. */
    static JsonNode request(RoutingContext ctx) {
        try {
            return JSON.readTree(ctx.body().asString());
        } catch (Exception e) {
            ctx.response().setStatusCode(400).end();
            return null;
        }
    }

    /** {@code result} as the JSON-RPC answer to the request {@code id}. */
    static void reply(RoutingContext ctx, JsonNode id, JsonNode result) {
        com.fasterxml.jackson.databind.node.ObjectNode envelope = JSON.createObjectNode().put("jsonrpc", "2.0");
        envelope.set("id", id);
        envelope.set("result", result);
        ctx.response().putHeader("Content-Type", "application/json").end(envelope.toString());
    }

    /** A JSON-RPC error answer to the request {@code id}. */
    static void error(RoutingContext ctx, JsonNode id, int code, String message) {
        com.fasterxml.jackson.databind.node.ObjectNode envelope = JSON.createObjectNode().put("jsonrpc", "2.0");
        envelope.set("id", id);
        envelope.putObject("error").put("code", code).put("message", message);
        ctx.response().putHeader("Content-Type", "application/json").end(envelope.toString());
    }

    /** One SSE event carrying {@code result} as the JSON-RPC response to the request {@code id}. */
    static String event(JsonNode id, Object result) {
        com.fasterxml.jackson.databind.node.ObjectNode envelope = JSON.createObjectNode().put("jsonrpc", "2.0");
        envelope.set("id", id);
        envelope.set("result", JSON.valueToTree(result));
        return "data: " + envelope + "\n\n";
    }
}
