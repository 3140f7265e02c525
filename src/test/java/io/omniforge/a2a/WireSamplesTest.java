package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden-data test: every payload captured from an independent A2A 1.0 server
 * ({@code ../shared/a2a/wire-samples-v1.0.json}) parses into the wire model and serializes back to the same
 * JSON. The samples are dispatched by their shape, not by a fixed list of names, so a sample added to the file
 * later is either tested or fails here until it is handled or listed in {@link #SKIPPED} with a reason.
 */
class WireSamplesTest {

    private static final ObjectMapper MAPPER = A2aJson.newMapper();

    /** Sample keys deliberately not parsed into the model, and why. */
    static final Map<String, String> SKIPPED = Map.of(
            "REST_getTask_404",
            "HTTP+JSON binding error body ({\"error\":{code,status,message,details}}): the service does not emit "
                    + "REST errors yet and the model has no type for them");

    /** The samples this test must find, so that a renamed or dropped sample is noticed. */
    static final Set<String> EXPECTED = Set.of(
            "card", "SendMessage", "SendStreamingMessage_sse", "GetTask_notFound", "REST_message_send");

    /** The result type of each JSON-RPC method whose non-streaming response may appear as a sample. */
    static final Map<A2aMethod, Class<?>> RESULT_TYPES = Map.of(
            A2aMethod.SEND_MESSAGE, SendMessageResponse.class,
            A2aMethod.GET_TASK, Task.class,
            A2aMethod.CANCEL_TASK, Task.class,
            A2aMethod.LIST_TASKS, ListTasksResponse.class,
            A2aMethod.GET_EXTENDED_AGENT_CARD, AgentCard.class,
            A2aMethod.CREATE_PUSH_CONFIG, TaskPushNotificationConfig.class,
            A2aMethod.GET_PUSH_CONFIG, TaskPushNotificationConfig.class,
            A2aMethod.LIST_PUSH_CONFIGS, ListTaskPushNotificationConfigsResponse.class);

    @Test
    void theSamplesThisTestReliesOnArePresent() {
        JsonNode samples = A2aSchema.wireSamples();
        for (String key : EXPECTED) {
            assertTrue(samples.has(key), "wire samples lost '" + key + "'");
        }
        for (String key : SKIPPED.keySet()) {
            assertTrue(samples.has(key), "SKIPPED names '" + key + "', which is no longer a sample: drop it");
        }
    }

    @TestFactory
    Stream<DynamicNode> everySampleRoundTripsThroughTheModel() {
        JsonNode samples = A2aSchema.wireSamples();
        List<DynamicNode> nodes = new ArrayList<>();
        samples.fields().forEachRemaining(e -> nodes.add(sampleTest(samples, e.getKey(), e.getValue())));
        assertFalse(nodes.isEmpty(), "the wire samples file holds no sample");
        return nodes.stream();
    }

    private static DynamicNode sampleTest(JsonNode samples, String key, JsonNode sample) {
        if (SKIPPED.containsKey(key)) {
            return dynamicTest(key + " (skipped)", () -> Assumptions.abort(key + ": " + SKIPPED.get(key)));
        }
        if (sample.isTextual() && key.endsWith("_sse")) {
            return sseTest(key, sample.asText());
        }
        if (sample.isTextual() && key.endsWith("_contentType")) {
            String sse = key.substring(0, key.length() - "_contentType".length()) + "_sse";
            return dynamicTest(key, () -> {
                assertTrue(samples.has(sse), key + " describes no SSE sample '" + sse + "'");
                assertEquals("text/event-stream", sample.asText().split(";")[0].trim(), key);
            });
        }
        if (sample.isObject() && sample.has("jsonrpc")) {
            return dynamicTest(key, () -> checkJsonRpcResponse(key, sample));
        }
        if (sample.isObject() && sample.has("status") && sample.has("body")) {
            return dynamicTest(key, () -> checkRestResponse(key, sample));
        }
        if (sample.isObject() && sample.has("supportedInterfaces")) {
            return dynamicTest(key, () -> checkCard(sample));
        }
        return dynamicTest(key + " (unknown)", () -> fail("wire sample '" + key + "' has a shape this test does not "
                + "handle; parse it into the model here, or list it in SKIPPED with the reason: " + sample));
    }

    private static void checkCard(JsonNode sample) throws JsonProcessingException {
        AgentCard card = roundTrip(sample, AgentCard.class);
        assertEquals("Echo Agent", card.name());
        assertTrue(card.supportsStreaming());
        assertEquals(2, card.supportedInterfaces().size());
        AgentInterface jsonRpc = card.validate().jsonRpcInterface().orElseThrow();
        assertEquals(AgentInterface.JSONRPC, jsonRpc.protocolBinding());
        assertEquals("1.0", jsonRpc.protocolVersion());
        assertEquals("echo", card.skills().get(0).id());
        assertTrue(card.capabilities().extensions().isEmpty(), "an empty list must stay empty, not absent");
    }

    private static void checkJsonRpcResponse(String key, JsonNode sample) throws JsonProcessingException {
        assertEquals(JsonRpcResponse.VERSION, sample.path("jsonrpc").asText());
        if (sample.has("error")) {
            JsonRpcResponse response = roundTrip(sample, JsonRpcResponse.class);
            assertNull(response.result());
            JsonRpcError error = response.error();
            assertNotNull(error);
            assertFalse(error.message().isBlank());
            Optional<A2aError> known = Arrays.stream(A2aError.values())
                    .filter(e -> e.code() == error.code()).findFirst();
            assertTrue(known.isPresent(), key + ": error code " + error.code() + " is not an A2aError");
            if (error.data() != null) {
                for (ErrorInfo info : error.data()) {
                    assertEquals(ErrorInfo.TYPE, info.type());
                    assertEquals(known.get().reason(), info.reason(), key + ": reason of code " + error.code());
                    assertEquals(A2aError.DOMAIN, info.domain());
                }
            }
            return;
        }
        assertTrue(sample.has("result"), key + ": a JSON-RPC response without result or error");
        String method = key.split("_")[0];
        A2aMethod a2aMethod = A2aMethod.fromWire(method)
                .orElseThrow(() -> new AssertionError(key + ": sample name does not start with an A2A method name"));
        Class<?> resultType = RESULT_TYPES.get(a2aMethod);
        assertNotNull(resultType, key + ": no result type known for " + method + "; add it to RESULT_TYPES");
        Object result = roundTripJsonRpcResult(sample, resultType);
        if (result instanceof SendMessageResponse response) {
            checkEchoTask(response, "raw hi");
        }
    }

    private static void checkRestResponse(String key, JsonNode sample) throws JsonProcessingException {
        JsonNode body = sample.get("body");
        assertFalse(body.has("error"), key + ": a REST error body; the model has no type for it: list it in SKIPPED");
        assertTrue(key.startsWith("REST_message_send"), key + ": only REST message:send samples are handled "
                + "here; parse this one into the model, or list it in SKIPPED with the reason");
        assertEquals(200, sample.path("status").asInt(), key + ": status");
        assertTrue(sample.path("contentType").asText().startsWith("application/a2a+json"), key + ": content type");
        SendMessageResponse response = roundTrip(body, SendMessageResponse.class);
        checkEchoTask(response, "rest hi");
    }

    private static void checkEchoTask(SendMessageResponse response, String said) {
        Task task = response.task();
        assertNotNull(task, "the echo agent answers with a task");
        assertNull(response.message());
        assertEquals(TaskState.TASK_STATE_COMPLETED, task.status().state());
        assertNotNull(task.status().timestamp());
        assertEquals("echo: " + said, task.artifacts().get(0).parts().get(0).text());
        assertEquals("text/plain", task.artifacts().get(0).parts().get(0).mediaType());
        Message first = task.history().get(0);
        assertEquals(Role.ROLE_USER, first.role());
        assertEquals(said, first.text());
        assertEquals(task.id(), first.taskId());
        assertEquals(task.contextId(), first.contextId());
    }

    private static DynamicNode sseTest(String key, String sse) {
        List<String> frames = sseData(sse);
        List<DynamicNode> tests = new ArrayList<>();
        List<StreamResponse> events = new ArrayList<>();
        List<JsonNode> ids = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            String frame = frames.get(i);
            tests.add(dynamicTest("frame " + i, () -> {
                JsonNode envelope = MAPPER.readTree(frame);
                assertEquals(JsonRpcResponse.VERSION, envelope.path("jsonrpc").asText());
                assertFalse(envelope.has("error"), "an error frame: " + frame);
                ids.add(envelope.get("id"));
                events.add(roundTripJsonRpcResult(envelope, StreamResponse.class));
            }));
        }
        tests.add(dynamicTest("stream order", () -> {
            assertTrue(frames.size() >= 2, key + " should hold several events, found " + frames.size());
            assertEquals(frames.size(), events.size(), "some frame did not parse");
            assertEquals(1, ids.stream().distinct().count(), "every frame answers the same request id: " + ids);
            StreamResponse first = events.get(0);
            assertTrue(first.task() != null || first.message() != null, "the first event is a task or a message");
            for (int i = 0; i < events.size() - 1; i++) {
                TaskState state = events.get(i).state();
                assertFalse(state != null && state.endsStream(), "event " + i + " ends the stream too early");
            }
            TaskState last = events.get(events.size() - 1).state();
            assertNotNull(last, "the last event says the task's state");
            assertTrue(last.endsStream(), "the stream closes on a terminal or interrupted state, got " + last);
            assertTrue(events.stream().anyMatch(e -> e.artifactUpdate() != null), "the echo stream sends an artifact");
        }));
        return dynamicContainer(key, tests);
    }

    /** The data of every SSE event: {@code data:} lines of one event joined by newlines; other fields ignored. */
    static List<String> sseData(String sse) {
        List<String> payloads = new ArrayList<>();
        String normalized = sse.replace("\r\n", "\n").replace('\r', '\n');
        for (String event : normalized.split("\n\n")) {
            StringBuilder data = null;
            for (String line : event.split("\n")) {
                if (line.startsWith("data:")) {
                    String value = line.substring("data:".length());
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            if (data != null) {
                payloads.add(data.toString());
            }
        }
        return payloads;
    }

    /**
     * Reads a JSON-RPC response whose {@code result} is a {@code resultType}, and checks that the envelope with
     * the typed result serializes back to the same JSON.
     */
    static <T> T roundTripJsonRpcResult(JsonNode envelope, Class<T> resultType) throws JsonProcessingException {
        JsonRpcResponse response = MAPPER.treeToValue(envelope, JsonRpcResponse.class);
        T result = MAPPER.treeToValue(envelope.get("result"), resultType);
        JsonNode back = MAPPER.valueToTree(JsonRpcResponse.result(response.id(), result));
        assertEquals(envelope, back, () -> "JSON-RPC response with a " + resultType.getSimpleName()
                + " result did not round-trip\n expected: " + envelope + "\n   actual: " + back);
        return result;
    }

    /** Reads {@code json} as a {@code type} and checks that it serializes back to the same JSON. */
    static <T> T roundTrip(JsonNode json, Class<T> type) throws JsonProcessingException {
        T value = MAPPER.treeToValue(json, type);
        JsonNode back = MAPPER.valueToTree(value);
        assertEquals(json, back, () -> type.getSimpleName() + " did not round-trip\n expected: " + json
                + "\n   actual: " + back);
        return value;
    }
}
