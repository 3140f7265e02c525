package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.stream.StreamRouter;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every input limit, over real HTTP, with small limits so that each can be reached: the JSON-RPC error (code, message
 * naming the field, the key, the limit and the value, and the same in the ErrorInfo metadata), the REST error, and
 * a request just within the limits that still works.
 */
@QuarkusTest
@TestProfile(InputLimitsTest.Small.class)
class InputLimitsTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.limits.max-parts", "4",
                    "omniforge.limits.max-part-bytes", "1024",
                    "omniforge.limits.max-depth", "10",
                    "omniforge.limits.max-metadata-bytes", "256",
                    "omniforge.limits.max-subscribers-per-task", "2");
        }
    }

    @Inject
    StreamRouter router;

    private static Map<String, Object> message(List<Map<String, Object>> parts) {
        Map<String, Object> m = Rpc.message("unused", "echo");
        m.put("parts", parts);
        return m;
    }

    private static List<Map<String, Object>> texts(int n) {
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(Map.of("text", "part " + i));
        }
        return parts;
    }

    /** Posts a JSON-RPC request and returns its error, checked against the A2A schema. */
    private static JsonNode error(String method, Object params) {
        JsonNode response = Rpc.read(Rpc.post("/a2a", Rpc.request(method, params)).then().statusCode(200)
                .contentType("application/json").extract().asString());
        A2aSchema.assertValidJsonRpcError(response);
        return response.path("error");
    }

    private static void assertLimit(JsonNode error, int code, String field, String key, String max, String actual) {
        assertEquals(code, error.path("code").asInt(), error.toString());
        String message = error.path("message").asText();
        assertTrue(message.startsWith(field + " has " + actual + " "), message);
        assertTrue(message.endsWith("; the limit is " + max + " (omniforge.limits." + key + ")"), message);
        JsonNode info = error.path("data").get(0).path("metadata");
        assertEquals(field, info.path("field").asText(), error.toString());
        assertEquals("omniforge.limits." + key, info.path("limit").asText(), error.toString());
        assertEquals(max, info.path("max").asText(), error.toString());
        assertEquals(actual, info.path("actual").asText(), error.toString());
    }

    @Test
    void aMessageWithinEveryLimitGoesThrough() {
        List<Map<String, Object>> parts = texts(3);
        parts.add(Map.of("text", "x".repeat(1024)));
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(message(parts))).path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
    }

    @Test
    void tooManyParts() {
        assertLimit(error("SendMessage", Rpc.send(message(texts(5)))), -32602, "params.message.parts", "max-parts", "4", "5");
        // The same for a stream: a plain JSON-RPC error, not an SSE stream.
        assertLimit(error("SendStreamingMessage", Rpc.send(message(texts(5)))), -32602, "params.message.parts",
                "max-parts", "4", "5");
    }

    @Test
    void aPartTooLargeOfEachKind() {
        // Bytes, not characters: 342 euro signs are 1026 bytes of UTF-8.
        assertLimit(error("SendMessage", Rpc.send(message(List.of(Map.of("text", "ok"), Map.of("text", "\u20ac".repeat(342)))))),
                -32602, "params.message.parts[1].text", "max-part-bytes", "1024", "1026");
        assertLimit(error("SendMessage", Rpc.send(message(List.of(Map.of("data", Map.of("blob", "y".repeat(1100))))))),
                -32602, "params.message.parts[0].data", "max-part-bytes", "1024", "1111");
        String raw = Base64.getEncoder().encodeToString(new byte[1025]);
        assertLimit(error("SendMessage", Rpc.send(message(List.of(Map.of("raw", raw, "mediaType", "application/octet-stream"))))),
                -32602, "params.message.parts[0].raw", "max-part-bytes", "1024", "1025");
        String url = "https://files.example/" + "z".repeat(1003);
        assertLimit(error("SendMessage", Rpc.send(message(List.of(Map.of("url", url))))),
                -32602, "params.message.parts[0].url", "max-part-bytes", "1024", "1025");
    }

    @Test
    void metadataTooLarge() {
        Map<String, Object> big = Map.of("note", "m".repeat(300));
        Map<String, Object> m = message(texts(1));
        m.put("metadata", big);
        assertLimit(error("SendMessage", Rpc.send(m)), -32602, "params.message.metadata", "max-metadata-bytes", "256", "311");
        Map<String, Object> partWithMetadata = new LinkedHashMap<>(Map.of("text", "hi"));
        partWithMetadata.put("metadata", big);
        assertLimit(error("SendMessage", Rpc.send(message(List.of(partWithMetadata)))), -32602,
                "params.message.parts[0].metadata", "max-metadata-bytes", "256", "311");
        assertLimit(error("SendMessage", Map.of("message", message(texts(1)), "metadata", big)), -32602,
                "params.metadata", "max-metadata-bytes", "256", "311");
    }

    @Test
    void jsonNestedTooDeep() {
        Object nested = "bottom";
        for (int i = 0; i < 6; i++) {
            nested = List.of(nested);
        }
        // envelope, params, message, parts, part, data: 6 levels, then 6 arrays.
        JsonNode error = error("SendMessage", Rpc.send(message(List.of(Map.of("data", nested)))));
        assertEquals(-32600, error.path("code").asInt(), error.toString());
        assertEquals("the request body has more than 10 levels of nested JSON objects and arrays; the limit is 10"
                + " (omniforge.limits.max-depth)", error.path("message").asText());
        assertEquals("omniforge.limits.max-depth", error.path("data").get(0).path("metadata").path("limit").asText());
    }

    // ------------------------------------------------------------------------------ the REST API

    @Test
    void theOrchestrationsRouteHasTheSameLimits() {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("strategy", "parallel", "agents", List.of("echo")));
        body.put("message", message(texts(5)));
        given().contentType("application/json").body(body).post("/api/v1/orchestrations").then().statusCode(400)
                .body("error.status", org.hamcrest.Matchers.equalTo("BAD_REQUEST"))
                .body("error.message", org.hamcrest.Matchers.equalTo(
                        "message.parts has 5 parts; the limit is 4 (omniforge.limits.max-parts)"))
                .body("error.details[0].reason", org.hamcrest.Matchers.equalTo("INVALID_PARAMS"));

        Object nested = "bottom";
        for (int i = 0; i < 10; i++) {
            nested = List.of(nested);
        }
        body.put("message", message(List.of(Map.of("data", nested))));
        given().contentType("application/json").body(body).post("/api/v1/orchestrations").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("omniforge.limits.max-depth"))
                .body("error.details[0].reason", org.hamcrest.Matchers.equalTo("INVALID_REQUEST"));
    }

    @Test
    void aManagementApiBodyOverTheLimitGets413WithTheApiError() throws Exception {
        String big = "{\"name\":\"big\",\"url\":\"" + "u".repeat(1024 * 1024) + "\"}";
        given().contentType("application/json").body(big).post("/api/v1/agents").then().statusCode(413)
                .body("error.code", org.hamcrest.Matchers.equalTo(413))
                .body("error.message", org.hamcrest.Matchers.containsString("omniforge.api.max-body-bytes"));
        given().contentType("application/json").body(big).post("/api/v1/orchestrations").then().statusCode(413)
                .body("error.message", org.hamcrest.Matchers.containsString("omniforge.api.max-body-bytes"));

        // Over HTTP/1.1 and HTTP/2: announced, or streamed without a Content-Length to the route that reads its own body.
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpResponse<String> announced = post(version, "/api/v1/agents", HttpRequest.BodyPublishers.ofString(big));
            assertEquals(413, announced.statusCode(), version + ": " + announced.body());
            assertTrue(announced.body().contains("omniforge.api.max-body-bytes"), version + ": " + announced.body());
            HttpResponse<String> streamed = post(version, "/api/v1/orchestrations", HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))));
            assertEquals(413, streamed.statusCode(), version + ": " + streamed.body());
            assertTrue(streamed.body().contains("omniforge.api.max-body-bytes"), version + ": " + streamed.body());
            // A body within the limit still reaches the resource (the limit does not read it first).
            HttpResponse<String> small = post(version, "/api/v1/agents",
                    HttpRequest.BodyPublishers.ofString("{\"name\":\"Bad Name!\",\"url\":\"http://127.0.0.1:1\"}"));
            assertEquals(400, small.statusCode(), version + ": " + small.body());
            assertTrue(small.body().contains("name must match"), small.body());
        }
    }

    @Test
    void anA2aBodyOverTheLimitNamesTheFieldTheLimitAndWhatWasFound() throws Exception {
        String big = Rpc.request("SendMessage", Map.of("message", Rpc.message("x".repeat(1024 * 1024), "echo")));
        for (HttpClient.Version version : HttpClient.Version.values()) {
            // Announced: the Content-Length is what was found.
            HttpResponse<String> announced = post(version, "/a2a", HttpRequest.BodyPublishers.ofString(big));
            assertEquals(413, announced.statusCode(), version + ": " + announced.body());
            JsonNode meta = Rpc.read(announced.body()).path("error").path("data").get(0).path("metadata");
            assertEquals(Map.of("field", "body", "limit", "omniforge.api.max-body-bytes", "max", "1048576",
                    "actual", String.valueOf(big.getBytes(StandardCharsets.UTF_8).length)),
                    Rpc.JSON.convertValue(meta, Map.class), version + ": " + announced.body());
            // Chunked: the body was cut off at the limit, so all that is known is that it was larger.
            HttpResponse<String> streamed = post(version, "/a2a", HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))));
            assertEquals(413, streamed.statusCode(), version + ": " + streamed.body());
            JsonNode error = Rpc.read(streamed.body()).path("error");
            assertEquals(Map.of("field", "body", "limit", "omniforge.api.max-body-bytes", "max", "1048576",
                    "actual", "more than 1048576"), Rpc.JSON.convertValue(error.path("data").get(0).path("metadata"), Map.class),
                    version + ": " + streamed.body());
            assertTrue(error.path("message").asText().contains("it has more than 1048576 bytes"), error.toString());
        }
    }

    private static HttpResponse<String> post(HttpClient.Version version, String path, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .version(version).header("Content-Type", "application/json").POST(body).build();
        return HttpClient.newBuilder().version(version).build().send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------------------------- streams

    @Test
    void aSubscriberOverTheLimitGetsAnErrorAndEndedStreamsMakeRoom() {
        JsonNode asked = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("ask: hold on", "echo"))).path("result").path("task");
        String id = asked.path("id").asText();
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.path("status").path("state").asText(), asked.toString());
        try (Rpc.LiveStream a = Rpc.subscribe(id); Rpc.LiveStream b = Rpc.subscribe(id)) {
            assertTrue(a.next().path("result").has("task"));
            assertTrue(b.next().path("result").has("task"));
            assertEquals(2, router.subscribers(id));

            JsonNode refused = error("SubscribeToTask", Map.of("id", id));
            assertEquals(-32004, refused.path("code").asInt(), refused.toString());
            assertTrue(refused.path("message").asText().contains("omniforge.limits.max-subscribers-per-task"), refused.toString());
            assertEquals(Map.of("taskId", id, "field", "subscriptions", "limit", "omniforge.limits.max-subscribers-per-task",
                    "max", "2", "actual", "3"), Rpc.JSON.convertValue(refused.path("data").get(0).path("metadata"), Map.class),
                    refused.toString());

            Map<String, Object> reply = Rpc.message("and this", null);
            reply.put("taskId", id);
            JsonNode done = Rpc.call("/a2a", "SendMessage", Rpc.send(reply)).path("result").path("task");
            assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText(), done.toString());
            a.rest();
            b.rest();
        }
        assertEquals(0, router.subscribers(id), "a stream that ended no longer counts");
    }
}
