package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of payload the service emits, built with the model and serialized with {@link A2aJson#newMapper()},
 * is valid against the A2A 1.0 JSON Schema; nulls are omitted and timestamps are {@code YYYY-MM-DDTHH:mm:ss.sssZ}.
 */
class SchemaValidationTest {

    private static final ObjectMapper MAPPER = A2aJson.newMapper();
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Instant WHEN = Instant.parse("2026-03-04T05:06:07.123456789Z");
    private static final String CONTEXT = "ctx-1";
    private static final String TASK = "task-1";

    // ---- payloads the service emits ------------------------------------------------------------------------

    @Test
    void agentCardWithEverythingTheServiceDeclaresIsValid() {
        HandoffCapability handoff = new HandoffCapability(true, true, List.of("billing", "support"),
                HandoffCapability.ContextMode.SUMMARY, 3);
        OrchestrationCapability orchestration = new OrchestrationCapability(List.of("parallel", "sequential"),
                List.of("concat"), new OrchestrationCapability.Limits(16, 8, 60_000L), List.of("echo"));
        AgentCard card = new AgentCard(
                "OmniForge Orchestrator",
                "Makes independent agents work as one",
                List.of(AgentInterface.jsonRpc("http://localhost:8080/a2a"),
                        new AgentInterface("http://localhost:8080/a2a/rest", AgentInterface.HTTP_JSON, null, "1.0")),
                new AgentProvider("OmniForge", "https://omniforge.example"),
                "0.1.0",
                "https://omniforge.example/docs",
                new AgentCapabilities(true, false,
                        List.of(handoff.toExtension(MAPPER, false), orchestration.toExtension(MAPPER, true)), false),
                Map.of("apiKey", SecurityScheme.apiKey("header", "X-API-Key", "A key issued by the operator"),
                        "bearer", SecurityScheme.http("bearer", "JWT", "A bearer token")),
                List.of(new SecurityRequirement(Map.of("bearer", new SecurityRequirement.StringList(List.of()))),
                        new SecurityRequirement(Map.of("apiKey", new SecurityRequirement.StringList(List.of())))),
                List.of("text/plain", "application/json"),
                List.of("text/plain", "application/json"),
                List.of(AgentSkill.of("orchestrate", "Orchestrate", "Runs a request across agents",
                                List.of("orchestration"), List.of("ask billing and support")),
                        new AgentSkill("handoff", "Handoff", "Hands a conversation to the right agent",
                                List.of("handoff"), null, List.of("text/plain"), List.of("text/plain"),
                                List.of(new SecurityRequirement(Map.of("bearer",
                                        new SecurityRequirement.StringList(List.of("agents:write"))))))),
                null,
                "https://omniforge.example/icon.png");

        JsonNode json = emit("Agent Card", card);

        assertFalse(json.has("signatures"), "a null list is omitted");
        assertEquals("JSONRPC", json.at("/supportedInterfaces/0/protocolBinding").asText());
        assertEquals("1.0", json.at("/supportedInterfaces/0/protocolVersion").asText());
        assertFalse(json.at("/supportedInterfaces/0").has("tenant"));
        assertEquals(HandoffCapability.URI, json.at("/capabilities/extensions/0/uri").asText());
        assertEquals("summary", json.at("/capabilities/extensions/0/params/context").asText());
        assertEquals(OrchestrationCapability.URI, json.at("/capabilities/extensions/1/uri").asText());
        assertTrue(json.at("/capabilities/extensions/1/required").asBoolean());
        assertEquals(60_000, json.at("/capabilities/extensions/1/params/limits/deadlineMs").asLong());
        assertEquals("header", json.at("/securitySchemes/apiKey/apiKeySecurityScheme/location").asText());
        assertEquals("bearer", json.at("/securitySchemes/bearer/httpAuthSecurityScheme/scheme").asText());
        assertTrue(json.at("/securityRequirements/0/schemes/bearer/list").isArray());
        assertEquals("agents:write", json.at("/skills/1/securityRequirements/0/schemes/bearer/list/0").asText());
        assertEquals("OmniForge", json.at("/provider/organization").asText());
    }

    @Test
    void taskWithStatusMessageArtifactsAndHistoryIsValid() {
        JsonNode json = emit("Task", task());

        assertEquals("TASK_STATE_WORKING", json.at("/status/state").asText());
        assertEquals("2026-03-04T05:06:07.123Z", json.at("/status/timestamp").asText());
        assertEquals("ROLE_AGENT", json.at("/status/message/role").asText());
        assertEquals(2, json.get("artifacts").size());
        assertEquals(2, json.get("history").size());
        assertEquals("v", json.at("/metadata/k").asText());
    }

    @Test
    void messageWithEveryKindOfPartIsValid() {
        Message message = richMessage();
        JsonNode json = emit("Message", message);

        assertEquals("ROLE_USER", json.get("role").asText());
        JsonNode parts = json.get("parts");
        assertEquals(4, parts.size());
        assertEquals(Set.of("text", "mediaType", "metadata"), fieldNames(parts.get(0)));
        assertEquals(Set.of("raw", "mediaType", "filename"), fieldNames(parts.get(1)));
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
                parts.get(1).get("raw").asText());
        assertEquals(Set.of("url", "mediaType", "filename"), fieldNames(parts.get(2)));
        assertEquals(Set.of("data", "mediaType", "metadata"), fieldNames(parts.get(3)));
        assertTrue(parts.get(3).get("data").isObject(), "data stays JSON, not a string");
        for (JsonNode part : parts) {
            A2aSchema.assertValid("Part", part);
            assertFalse(part.has("kind"), "1.0 parts have no kind");
        }
        assertEquals("task-0", json.at("/referenceTaskIds/0").asText());
        assertEquals(OrchestrationCapability.URI, json.at("/extensions/0").asText());
    }

    @Test
    void everyKindOfStreamResponseIsValid() {
        Artifact chunk = Artifact.of("a-1", "answer", List.of(Part.text("Hel")));
        List<StreamResponse> events = List.of(
                StreamResponse.of(task()),
                StreamResponse.of(Message.agent("m-9", CONTEXT, null, List.of(Part.text("a direct answer")))),
                StreamResponse.of(new TaskStatusUpdateEvent(TASK, CONTEXT,
                        new TaskStatus(TaskState.TASK_STATE_INPUT_REQUIRED,
                                Message.agent("m-3", CONTEXT, TASK, List.of(Part.text("which account?"))), WHEN),
                        Map.of("step", 2))),
                StreamResponse.of(new TaskArtifactUpdateEvent(TASK, CONTEXT, chunk, null, false, null)),
                StreamResponse.of(new TaskArtifactUpdateEvent(TASK, CONTEXT,
                        chunk.withParts(List.of(Part.text("lo"))), true, true, Map.of("chunk", 2))));
        List<String> members = List.of("task", "message", "statusUpdate", "artifactUpdate", "artifactUpdate");

        for (int i = 0; i < events.size(); i++) {
            JsonNode json = emit("Stream Response", events.get(i));
            assertEquals(Set.of(members.get(i)), fieldNames(json), "a stream event is wrapped by one member name");
            JsonNode frame = MAPPER.valueToTree(JsonRpcResponse.result(IntNode.valueOf(7), events.get(i)));
            assertEquals(Set.of("jsonrpc", "id", "result"), fieldNames(frame));
            A2aSchema.assertValid("Stream Response", frame.get("result"));
        }
        JsonNode first = MAPPER.valueToTree(events.get(3));
        assertFalse(first.get("artifactUpdate").has("append"), "append is omitted when not set");
        assertFalse(first.get("artifactUpdate").get("lastChunk").asBoolean());
        JsonNode appended = MAPPER.valueToTree(events.get(4));
        assertTrue(appended.at("/artifactUpdate/append").asBoolean());
        assertTrue(appended.at("/artifactUpdate/lastChunk").asBoolean());
        A2aSchema.assertValid("Task Artifact Update Event", appended.get("artifactUpdate"));
        A2aSchema.assertValid("Task Status Update Event", MAPPER.valueToTree(events.get(2)).get("statusUpdate"));
    }

    @Test
    void sendMessageResponsesAreValid() {
        JsonNode withTask = emit("Send Message Response", SendMessageResponse.of(task()));
        assertEquals(Set.of("task"), fieldNames(withTask));
        JsonNode withMessage = emit("Send Message Response",
                SendMessageResponse.of(Message.agent("m-5", CONTEXT, null, List.of(Part.text("hi")))));
        assertEquals(Set.of("message"), fieldNames(withMessage));
    }

    @Test
    void listTasksResponseIsValidAndAlwaysHasANextPageToken() {
        JsonNode page = emit("List Tasks Response",
                new ListTasksResponse(List.of(task(), task().view(0, false)), "cursor-2", 2, 7));
        assertEquals("cursor-2", page.get("nextPageToken").asText());
        assertEquals(2, page.get("tasks").size());
        assertEquals(7, page.get("totalSize").asInt());

        JsonNode last = emit("List Tasks Response", new ListTasksResponse(List.of(), null, 50, 0));
        assertTrue(last.has("nextPageToken"), "nextPageToken is present on the last page too");
        assertEquals("", last.get("nextPageToken").asText());
    }

    @Test
    void sendMessageRequestToADownstreamAgentIsValid() {
        SendMessageRequest request = new SendMessageRequest(null, richMessage(),
                new SendMessageConfiguration(List.of("text/plain"),
                        new TaskPushNotificationConfig(null, "push-1", TASK, "https://hooks.example/a2a", "secret",
                                new AuthenticationInfo("Bearer", "token-1")),
                        5, true),
                Map.of("traceId", "abc"));
        JsonNode json = emit("Send Message Request", request);
        assertTrue(json.at("/configuration/returnImmediately").asBoolean());
        assertEquals(5, json.at("/configuration/historyLength").asInt());
        A2aSchema.assertValid("Send Message Configuration", json.get("configuration"));
    }

    @Test
    void booleanFlagsAreWrittenExactlyAsSet() {
        JsonNode notAppended = MAPPER.valueToTree(new TaskArtifactUpdateEvent(TASK, CONTEXT,
                Artifact.of("a-1", null, List.of(Part.text("x"))), false, null, null));
        assertFalse(notAppended.get("append").asBoolean(true));
        assertFalse(notAppended.has("lastChunk"));
        JsonNode optional = MAPPER.valueToTree(new AgentExtension("urn:x", null, false, null));
        assertTrue(optional.has("required") && !optional.get("required").asBoolean(true));
        JsonNode required = MAPPER.valueToTree(new AgentExtension("urn:x", null, true, null));
        assertTrue(required.get("required").asBoolean());
        JsonNode configuration = MAPPER.valueToTree(new SendMessageConfiguration(null, null, null, false));
        assertEquals(Set.of("returnImmediately"), fieldNames(configuration));
        assertFalse(configuration.get("returnImmediately").asBoolean(true));
    }

    @ParameterizedTest
    @EnumSource(A2aError.class)
    void everyErrorIsAValidJsonRpcErrorResponse(A2aError error) {
        A2aException exception = new A2aException(error, null);
        JsonNode response = MAPPER.valueToTree(JsonRpcResponse.error(TextNode.valueOf("req-1"), exception.toJsonRpcError()));

        A2aSchema.assertValidJsonRpcError(response);
        assertEquals(error.code(), response.at("/error/code").asInt());
        assertEquals(error.defaultMessage(), response.at("/error/message").asText());
        assertEquals(error.reason(), response.at("/error/data/0/reason").asText());
        assertEquals(A2aError.DOMAIN, response.at("/error/data/0/domain").asText());
        assertFalse(response.at("/error/data/0").has("metadata"), "empty metadata is omitted");
        assertFalse(response.has("result"));
    }

    @Test
    void errorsWithMetadataOrAnUnreadableIdAreValid() {
        JsonNode notFound = MAPPER.valueToTree(
                JsonRpcResponse.error(IntNode.valueOf(3), A2aException.taskNotFound("t-404").toJsonRpcError()));
        A2aSchema.assertValidJsonRpcError(notFound);
        assertEquals(-32001, notFound.at("/error/code").asInt());
        assertEquals("t-404", notFound.at("/error/data/0/metadata/taskId").asText());
        assertTrue(notFound.at("/error/message").asText().contains("t-404"));

        A2aException version = assertThrows(A2aException.class, () -> A2aVersion.negotiate(null));
        JsonNode parseError = MAPPER.valueToTree(JsonRpcResponse.error(null, version.toJsonRpcError()));
        A2aSchema.assertValidJsonRpcError(parseError);
        assertTrue(parseError.has("id") && parseError.get("id").isNull(), "id is written as null: " + parseError);
        assertEquals(-32009, parseError.at("/error/code").asInt());
        assertEquals("1.0", parseError.at("/error/data/0/metadata/supportedVersions").asText());

        JsonNode invalid = MAPPER.valueToTree(JsonRpcResponse.error(NullNode.getInstance(),
                A2aException.invalidParams("params.message is required").toJsonRpcError()));
        A2aSchema.assertValidJsonRpcError(invalid);
        assertEquals(-32602, invalid.at("/error/code").asInt());
    }

    @Test
    void timestampsHaveMillisecondsAndZ() {
        TaskStatus whole = new TaskStatus(TaskState.TASK_STATE_COMPLETED, null, Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals("2026-01-01T00:00:00.000Z", MAPPER.valueToTree(whole).get("timestamp").asText());
        TaskStatus nanos = new TaskStatus(TaskState.TASK_STATE_COMPLETED, null, WHEN);
        assertEquals("2026-03-04T05:06:07.123Z", MAPPER.valueToTree(nanos).get("timestamp").asText());
        assertEquals("2026-03-04T05:06:07.123Z", A2aJson.format(WHEN));
        JsonNode now = MAPPER.valueToTree(TaskStatus.of(TaskState.TASK_STATE_SUBMITTED));
        assertTrue(TIMESTAMP.matcher(now.get("timestamp").asText()).matches(), now.toString());
    }

    @Test
    void nullFieldsAreOmitted() {
        JsonNode message = MAPPER.valueToTree(Message.user("m-1", "hi"));
        assertEquals(Set.of("messageId", "role", "parts"), fieldNames(message));
        assertEquals(Set.of("text"), fieldNames(message.at("/parts/0")));

        JsonNode status = MAPPER.valueToTree(new TaskStatus(TaskState.TASK_STATE_WORKING, null, null));
        assertEquals(Set.of("state"), fieldNames(status));

        JsonNode extension = MAPPER.valueToTree(new AgentExtension("urn:x", null, null, null));
        assertEquals(Set.of("uri"), fieldNames(extension));

        JsonNode update = MAPPER.valueToTree(new TaskArtifactUpdateEvent(TASK, null,
                Artifact.of("a-1", null, List.of(Part.text("x"))), null, null, null));
        assertEquals(Set.of("taskId", "artifact"), fieldNames(update));

        JsonNode configuration = MAPPER.valueToTree(new SendMessageConfiguration(null, null, null, null));
        assertEquals(Set.of(), fieldNames(configuration));

        JsonNode card = MAPPER.valueToTree(new AgentCard("bare", null, null, null, null, null, null, null, null, null,
                null, null, null, null));
        assertEquals(Set.of("name"), fieldNames(card));
    }

    // ---- the captured samples validate too -----------------------------------------------------------------

    @Test
    void wireSamplesAreValid() throws Exception {
        JsonNode samples = A2aSchema.wireSamples();
        A2aSchema.assertValid("Agent Card", samples.get("card"));
        A2aSchema.assertValid("Send Message Response", samples.at("/SendMessage/result"));
        A2aSchema.assertValid("Task", samples.at("/SendMessage/result/task"));
        A2aSchema.assertValid("Send Message Response", samples.at("/REST_message_send/body"));
        A2aSchema.assertValidJsonRpcError(samples.get("GetTask_notFound"));

        List<String> frames = WireSamplesTest.sseData(samples.get("SendStreamingMessage_sse").asText());
        assertFalse(frames.isEmpty());
        for (String frame : frames) {
            JsonNode result = MAPPER.readTree(frame).get("result");
            A2aSchema.assertValid("Stream Response", result);
            String member = result.fieldNames().next();
            String title = Map.of("task", "Task", "message", "Message", "statusUpdate", "Task Status Update Event",
                    "artifactUpdate", "Task Artifact Update Event").get(member);
            A2aSchema.assertValid(title, result.get(member));
        }
    }

    // ---- the validator can fail -----------------------------------------------------------------------------

    @Test
    void aMisspelledOrLegacyFieldFailsValidation() throws Exception {
        A2aSchema.assumeAvailable(); // or assertThrows below would catch the skip instead of a failure
        JsonNode legacy = MAPPER.readTree(
                "{\"id\":\"t\",\"contextId\":\"c\",\"status\":{\"state\":\"TASK_STATE_WORKING\"},\"kind\":\"task\"}");
        String message = assertInvalid("Task", legacy, "kind");
        assertTrue(message.contains("\"contextId\""), "the failure shows the payload: " + message);

        ((ObjectNode) legacy).remove("kind");
        A2aSchema.assertValid("Task", legacy);

        assertInvalid("Task", "{\"id\":\"t\",\"status\":{\"stat\":\"TASK_STATE_WORKING\"}}", "stat");
        assertInvalid("Task", "{\"id\":\"t\",\"status\":{\"state\":\"TASK_STATE_WORKING\"},"
                + "\"history\":[{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"txt\":\"hi\"}]}]}", "txt");
        assertInvalid("Message",
                "{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"kind\":\"text\",\"text\":\"hi\"}]}", "kind");
        assertInvalid("Message", "{\"messageId\":\"m\",\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}", "role");
        assertInvalid("Task Status", "{\"state\":\"TASK_STATE_WORKING\",\"timestamp\":\"yesterday\"}", "timestamp");
        assertInvalid("Stream Response", "{\"statusUpdate\":{\"taskId\":\"t\",\"bogus\":1}}", "bogus");
        assertInvalid("Part", "{\"raw\":\"not base64!\"}", "raw");
    }

    @Test
    void theJsonRpcErrorCheckCanFail() throws Exception {
        List<String> broken = List.of(
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":[]}}",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"R\",\"domain\":\"d\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"-32001\",\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"R\",\"domain\":\"d\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"R\",\"domain\":\"d\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Invalid method.\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"reason\":\"R\",\"domain\":\"d\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"\",\"domain\":\"d\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"R\"}]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":-32001,\"message\":\"x\",\"data\":["
                        + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"R\",\"domain\":\"d\"}]}}");
        for (String json : broken) {
            JsonNode response = MAPPER.readTree(json);
            AssertionError error = assertThrows(AssertionError.class,
                    () -> A2aSchema.assertValidJsonRpcError(response), "should be rejected: " + json);
            assertTrue(error.getMessage().contains("payload:"), error.getMessage());
        }
    }

    @Test
    void everyDefinitionOfTheBundleCompiles() {
        Set<String> titles = A2aSchema.titles();
        assertTrue(titles.containsAll(Set.of("Task", "Message", "Part", "Agent Card", "Stream Response",
                "Send Message Response", "List Tasks Response", "Task Status Update Event",
                "Task Artifact Update Event", "Security Scheme", "Struct", "Timestamp")), titles.toString());
        for (String title : titles) {
            assertDoesNotThrow(() -> A2aSchema.validate(title, MAPPER.createObjectNode()), title);
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> A2aSchema.assertValid("Taks", MAPPER.createObjectNode()));
        assertTrue(unknown.getMessage().contains("Task Status"), "lists the titles: " + unknown.getMessage());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Asserts that {@code payload} fails validation, with a message naming {@code culprit}; returns the message. */
    private static String assertInvalid(String title, Object payload, String culprit) throws Exception {
        JsonNode json = payload instanceof String text ? MAPPER.readTree(text) : (JsonNode) payload;
        AssertionError error = assertThrows(AssertionError.class, () -> A2aSchema.assertValid(title, json),
                "should not be a valid " + title + ": " + json);
        assertTrue(error.getMessage().startsWith("payload is not a valid A2A '" + title + "'"), error.getMessage());
        assertTrue(error.getMessage().contains(culprit), "names " + culprit + ": " + error.getMessage());
        return error.getMessage();
    }

    /** Serializes {@code value}, checks nulls are omitted and timestamps well formed, validates it, returns it. */
    private static JsonNode emit(String title, Object value) {
        JsonNode json = MAPPER.valueToTree(value);
        assertWellFormed("$", json);
        A2aSchema.assertValid(title, json);
        return json;
    }

    private static void assertWellFormed(String path, JsonNode node) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String where = path + "." + e.getKey();
                assertFalse(e.getValue().isNull(), where + " is null; null fields must be omitted");
                if (e.getKey().equals("timestamp")) {
                    assertTrue(TIMESTAMP.matcher(e.getValue().asText()).matches(),
                            where + " must be YYYY-MM-DDTHH:mm:ss.sssZ, got " + e.getValue());
                }
                assertWellFormed(where, e.getValue());
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertWellFormed(path + "[" + i + "]", node.get(i));
            }
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Task task() {
        Message user = new Message("m-1", CONTEXT, TASK, Role.ROLE_USER, List.of(Part.text("what is the answer?")),
                null, null, null);
        Message agent = Message.agent("m-2", CONTEXT, TASK, List.of(Part.text("thinking")));
        ObjectNode data = MAPPER.createObjectNode().put("answer", 42);
        return new Task(TASK, CONTEXT, new TaskStatus(TaskState.TASK_STATE_WORKING, agent, WHEN),
                List.of(Artifact.of("a-1", "answer", List.of(Part.text("42", "text/plain"))),
                        new Artifact("a-2", "details", "the same, as data", List.of(Part.data(data)),
                                Map.of("source", "calculator"), List.of(OrchestrationCapability.URI))),
                List.of(user, agent),
                Map.of("k", "v"));
    }

    private static Message richMessage() {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("city", "Lyon").putArray("days").add(1).add(2);
        List<Part> parts = List.of(
                new Part("bonjour", null, null, null, "text/plain", null, Map.of("lang", "fr")),
                new Part(null, Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'}), null, null,
                        "image/png", "pixel.png", null),
                new Part(null, null, "https://files.example/report.pdf", null, "application/pdf", "report.pdf", null),
                Part.data(data).withMetadata(Map.of("schema", "forecast-v1")));
        return new Message("m-1", CONTEXT, TASK, Role.ROLE_USER, parts,
                Map.of(OrchestrationCapability.URI, Map.of("agent", "echo"), "priority", 2),
                List.of(OrchestrationCapability.URI), List.of("task-0"));
    }
}
