package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets the right JSON-RPC error with an ErrorInfo, never a stack trace or an HTML page. */
@QuarkusTest
class JsonRpcErrorsTest {

    private static JsonNode error(String body, int status) {
        String raw = Rpc.post("/a2a", body).then().statusCode(status).contentType("application/json").extract().asString();
        JsonNode response = Rpc.read(raw);
        A2aSchema.assertValidJsonRpcError(response);
        return response.get("error");
    }

    private static void assertError(JsonNode error, int code, String reason, String messagePart) {
        assertEquals(code, error.path("code").asInt(), error.toString());
        assertEquals(reason, error.path("data").get(0).path("reason").asText(), error.toString());
        assertEquals("a2a-protocol.org", error.path("data").get(0).path("domain").asText());
        assertTrue(error.path("message").asText().contains(messagePart),
                "message '" + error.path("message").asText() + "' should mention '" + messagePart + "'");
    }

    @Test
    void malformedJson() {
        assertError(error("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", 200), -32700, "PARSE_ERROR", "Invalid JSON");
    }

    @Test
    void emptyBody() {
        assertError(error("", 200), -32700, "PARSE_ERROR", "empty");
    }

    @Test
    void notAJsonRpcRequest() {
        assertError(error("[1, 2, 3]", 200), -32600, "INVALID_REQUEST", "batch");
        assertError(error("\"hello\"", 200), -32600, "INVALID_REQUEST", "JSON-RPC 2.0 request object");
        assertError(error("{\"id\": 1, \"method\": \"GetTask\"}", 200), -32600, "INVALID_REQUEST", "jsonrpc");
        assertError(error("{\"jsonrpc\": \"2.0\", \"method\": \"GetTask\"}", 200), -32600, "INVALID_REQUEST", "'id'");
        assertError(error("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": 7}", 200), -32600, "INVALID_REQUEST", "'method'");
    }

    @Test
    void idIsEchoed() {
        String raw = Rpc.post("/a2a", "{\"jsonrpc\":\"2.0\",\"id\":\"abc-42\",\"method\":\"Nope\"}").then()
                .statusCode(200).extract().asString();
        assertEquals("abc-42", Rpc.read(raw).path("id").asText());
    }

    @Test
    void unknownMethod() {
        assertError(error(Rpc.request("DoSomething", Map.of()), 200), -32601, "METHOD_NOT_FOUND", "DoSomething");
        assertError(error(Rpc.request("message/send", Map.of()), 200), -32601, "METHOD_NOT_FOUND", "SendMessage");
    }

    @Test
    void wrongParams() {
        assertError(error(Rpc.request("GetTask", Map.of()), 200), -32602, "INVALID_PARAMS", "params.id is required");
        assertError(error(Rpc.request("GetTask", Map.of("id", "x", "historyLength", "many")), 200),
                -32602, "INVALID_PARAMS", "historyLength");
        assertError(error(Rpc.request("SendMessage", Map.of()), 200), -32602, "INVALID_PARAMS", "params.message");
        assertError(error(Rpc.request("ListTasks", Map.of("status", "TASK_STATE_RUNNING")), 200),
                -32602, "INVALID_PARAMS", "TASK_STATE_WORKING");
        assertError(error(Rpc.request("ListTasks", Map.of("pageSize", 1000)), 200), -32602, "INVALID_PARAMS", "pageSize");
        assertError(error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":[1]}", 200),
                -32602, "INVALID_PARAMS", "object");
    }

    @Test
    void invalidParts() {
        Map<String, Object> twoMembers = Map.of("messageId", "m", "role", "ROLE_USER",
                "parts", java.util.List.of(Map.of("text", "a", "url", "http://x")));
        assertError(error(Rpc.request("SendMessage", Map.of("message", twoMembers)), 200),
                -32602, "INVALID_PARAMS", "exactly one of text, raw, url or data");
        Map<String, Object> none = Map.of("messageId", "m", "role", "ROLE_USER",
                "parts", java.util.List.of(Map.of("mediaType", "text/plain")));
        assertError(error(Rpc.request("SendMessage", Map.of("message", none)), 200),
                -32602, "INVALID_PARAMS", "found none");
        Map<String, Object> noParts = Map.of("messageId", "m", "role", "ROLE_USER", "parts", java.util.List.of());
        assertError(error(Rpc.request("SendMessage", Map.of("message", noParts)), 200),
                -32602, "INVALID_PARAMS", "at least one part");
    }

    @Test
    void versionHandling() {
        String body = Rpc.request("GetTask", Map.of("id", "nope"));
        // A missing header means 0.3: a 1.0 method name is then unknown, and the answer says which header to send.
        JsonNode missing = Rpc.read(given().contentType("application/json").body(body).post("/a2a")
                .then().statusCode(200).extract().asString()).get("error");
        assertError(missing, -32601, "METHOD_NOT_FOUND", "A2A-Version: 1.0");
        JsonNode old = Rpc.read(given().contentType("application/json").header("A2A-Version", "0.3")
                .body(Rpc.request("tasks/get", Map.of("id", "nope")))
                .post("/a2a").then().statusCode(200).extract().asString()).get("error");
        assertError(old, -32001, "TASK_NOT_FOUND", "nope");
        JsonNode future = Rpc.read(given().contentType("application/json").header("A2A-Version", "2.0").body(body)
                .post("/a2a").then().statusCode(200).extract().asString()).get("error");
        assertError(future, -32009, "VERSION_NOT_SUPPORTED", "2.0");
        // The query parameter works as the header does; a patch version is ignored.
        JsonNode viaQuery = Rpc.read(given().contentType("application/json").body(body)
                .post("/a2a?A2A-Version=1.0").then().statusCode(200).extract().asString()).get("error");
        assertError(viaQuery, -32001, "TASK_NOT_FOUND", "nope");
        JsonNode patch = Rpc.read(given().contentType("application/json").header("A2A-Version", "1.0.2").body(body)
                .post("/a2a").then().statusCode(200).extract().asString()).get("error");
        assertError(patch, -32001, "TASK_NOT_FOUND", "nope");
    }

    @Test
    void wrongContentType() {
        String raw = given().contentType("text/plain").header("A2A-Version", "1.0")
                .body(Rpc.request("GetTask", Map.of("id", "x"))).post("/a2a")
                .then().statusCode(415).contentType("application/json").extract().asString();
        JsonNode response = Rpc.read(raw);
        A2aSchema.assertValidJsonRpcError(response);
        assertError(response.get("error"), -32600, "INVALID_REQUEST", "text/plain");
    }

    @Test
    void bodyOverTheLimit() {
        String big = "x".repeat(1_100_000);
        String body = Rpc.request("SendMessage", Map.of("message", Rpc.message(big, "echo")));
        JsonNode error = error(body, 413);
        assertError(error, -32600, "INVALID_REQUEST", "exceeds the limit");
        // Like every limit error: the field, the limit's key, its maximum and what was found (the Content-Length).
        String size = String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertEquals(Map.of("field", "body", "limit", "omniforge.api.max-body-bytes", "max", "1048576", "actual", size),
                Rpc.JSON.convertValue(error.path("data").get(0).path("metadata"), Map.class), error.toString());
        assertTrue(error.path("message").asText().contains("it has " + size + " bytes; the limit is 1048576"), error.toString());
    }

    @Test
    void unknownTask() {
        assertError(error(Rpc.request("GetTask", Map.of("id", "does-not-exist")), 200),
                -32001, "TASK_NOT_FOUND", "does-not-exist");
        assertError(error(Rpc.request("CancelTask", Map.of("id", "does-not-exist")), 200),
                -32001, "TASK_NOT_FOUND", "does-not-exist");
        assertError(error(Rpc.request("SubscribeToTask", Map.of("id", "does-not-exist")), 200),
                -32001, "TASK_NOT_FOUND", "does-not-exist");
        Map<String, Object> message = new java.util.HashMap<>(Rpc.message("hi", null));
        message.put("taskId", "does-not-exist");
        assertError(error(Rpc.request("SendMessage", Map.of("message", message)), 200),
                -32001, "TASK_NOT_FOUND", "does-not-exist");
    }

    @Test
    void unknownAgent() {
        assertError(error(Rpc.request("SendMessage", Rpc.send(Rpc.message("hi", "nobody"))), 200),
                -32602, "INVALID_PARAMS", "unknown agent 'nobody'");
    }

    @Test
    void pushNotificationMethods() {
        for (String method : new String[] {"CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
                "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig"}) {
            assertError(error(Rpc.request(method, Map.of("taskId", "t")), 200), -32003,
                    "PUSH_NOTIFICATION_NOT_SUPPORTED", "push notifications are not supported");
        }
    }

    @Test
    void extendedCardNotConfigured() {
        assertError(error(Rpc.request("GetExtendedAgentCard", Map.of()), 200), -32007,
                "EXTENDED_AGENT_CARD_NOT_CONFIGURED", "extended agent card");
    }

    @Test
    void wrongHttpMethodIsNotAStackTrace() {
        JsonNode response = Rpc.read(given().get("/a2a").then().statusCode(405).header("Allow", "POST")
                .extract().asString());
        assertError(response.get("error"), -32600, "INVALID_REQUEST", "POST");
    }
}
