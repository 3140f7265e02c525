package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The invariants the wire model enforces, and the behaviour of its helpers. */
class ModelValidationTest {

    private static final ObjectMapper MAPPER = A2aJson.newMapper();

    // ---- Part -----------------------------------------------------------------------------------------------

    @Test
    void aPartWithTwoMembersIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Part("hi", null, null, MAPPER.createObjectNode(), null, null, null));
        assertEquals("a part must have exactly one of text, raw, url or data, found text and data", e.getMessage());

        IllegalArgumentException three = assertThrows(IllegalArgumentException.class,
                () -> new Part(null, "aGk=", "https://x.example/f", MAPPER.createArrayNode(), null, null, null));
        assertTrue(three.getMessage().endsWith("found raw and url and data"), three.getMessage());
    }

    @Test
    void aPartWithNoMemberIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Part(null, null, null, null, "text/plain", "a.txt", null));
        assertTrue(e.getMessage().contains("exactly one of text, raw, url or data, found none"), e.getMessage());

        IllegalArgumentException jsonNull = assertThrows(IllegalArgumentException.class,
                () -> new Part(null, null, null, NullNode.getInstance(), null, null, null));
        assertTrue(jsonNull.getMessage().endsWith("found none"), "a JSON null data is no data: " + jsonNull.getMessage());
    }

    @Test
    void aPartWithBadBase64IsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Part(null, "not base64!", null, null, null, null, null));
        assertTrue(e.getMessage().startsWith("part.raw must be base64"), e.getMessage());

        Part ok = new Part(null, "aGVsbG8=", null, null, "application/octet-stream", "hello.bin", null);
        assertEquals("aGVsbG8=", ok.raw());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"text\":\"hi\",\"data\":{\"a\":1}}              | found text and data",
        "{\"mediaType\":\"text/plain\"}                    | found none",
        "{\"data\":null,\"filename\":\"x\"}                | found none",
        "{\"url\":\"https://x.example\",\"raw\":\"aGk=\"}  | found raw and url",
        "{\"raw\":\"###\"}                                 | part.raw must be base64"})
    void anInvalidPartInJsonFailsAsAJacksonExceptionWithTheExplanation(String json, String explanation) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> MAPPER.readValue(json, Part.class));
        assertTrue(e.getMessage().contains(explanation), e.getMessage());

        String message = "{\"messageId\":\"m-1\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"ok\"}," + json + "]}";
        JsonProcessingException nested = assertThrows(JsonProcessingException.class,
                () -> MAPPER.readValue(message, Message.class));
        assertTrue(nested.getMessage().contains(explanation), nested.getMessage());
    }

    @Test
    void partsReadFromJsonKeepTheirOptionalFields() throws Exception {
        Part part = MAPPER.readValue("{\"url\":\"https://x.example/a.pdf\",\"mediaType\":\"application/pdf\","
                + "\"filename\":\"a.pdf\",\"metadata\":{\"pages\":3}}", Part.class);
        assertEquals("https://x.example/a.pdf", part.url());
        assertEquals("application/pdf", part.mediaType());
        assertEquals("a.pdf", part.filename());
        assertEquals(Map.of("pages", 3), part.metadata());
        assertThrows(UnsupportedOperationException.class, () -> part.metadata().put("x", 1), "metadata is immutable");

        Part data = MAPPER.readValue("{\"data\":[1,\"two\",{\"three\":3}]}", Part.class);
        assertTrue(data.data().isArray());
        assertEquals("application/json", Part.data(MAPPER.readTree("{\"k\":true}")).mediaType());
    }

    // ---- Message --------------------------------------------------------------------------------------------

    @Test
    void aMessageNeedsAnIdARoleAndParts() {
        List<Part> parts = List.of(Part.text("hi"));
        assertEquals("message.messageId is required", assertThrows(IllegalArgumentException.class,
                () -> new Message(null, null, null, Role.ROLE_USER, parts, null, null, null)).getMessage());
        assertEquals("message.messageId is required", assertThrows(IllegalArgumentException.class,
                () -> new Message(" ", null, null, Role.ROLE_USER, parts, null, null, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Message("m", null, null, null, parts, null, null, null)).getMessage()
                .startsWith("message.role is required"));
        assertEquals("message.parts must hold at least one part", assertThrows(IllegalArgumentException.class,
                () -> new Message("m", null, null, Role.ROLE_AGENT, null, null, null, null)).getMessage());
        assertEquals("message.parts must hold at least one part", assertThrows(IllegalArgumentException.class,
                () -> new Message("m", null, null, Role.ROLE_AGENT, List.of(), null, null, null)).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"hi\"}]}                   | message.messageId is required",
        "{\"messageId\":\"m\",\"parts\":[{\"text\":\"hi\"}]}                      | message.role is required",
        "{\"messageId\":\"m\",\"role\":\"ROLE_USER\"}                             | message.parts must hold",
        "{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[]}                | message.parts must hold"})
    void anIncompleteMessageInJsonIsRejected(String json, String explanation) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> MAPPER.readValue(json, Message.class));
        assertTrue(e.getMessage().contains(explanation), e.getMessage());
    }

    @Test
    void aLegacyRoleIsRejected() {
        assertThrows(JsonProcessingException.class, () -> MAPPER.readValue(
                "{\"messageId\":\"m\",\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}", Message.class));
    }

    @Test
    void unknownFieldsAreIgnoredOnRead() throws Exception {
        Message message = MAPPER.readValue("{\"kind\":\"message\",\"messageId\":\"m-1\",\"role\":\"ROLE_USER\","
                + "\"parts\":[{\"kind\":\"text\",\"text\":\"hi\",\"future\":{\"x\":1}}],\"somethingNew\":[1,2]}",
                Message.class);
        assertEquals("m-1", message.messageId());
        assertEquals("hi", message.text());
        JsonNode back = MAPPER.valueToTree(message);
        assertEquals(MAPPER.readTree("{\"messageId\":\"m-1\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"hi\"}]}"),
                back, "unknown fields are dropped, not echoed");

        Task task = MAPPER.readValue("{\"id\":\"t\",\"kind\":\"task\",\"status\":{\"state\":\"TASK_STATE_WORKING\","
                + "\"extra\":true}}", Task.class);
        assertEquals(TaskState.TASK_STATE_WORKING, task.status().state());
    }

    @Test
    void messageTextJoinsTextPartsOnly() {
        Message message = Message.agent("m", "c", "t", List.of(Part.text("one"),
                Part.data(MAPPER.createObjectNode().put("n", 1)), Part.text("two")));
        assertEquals("one\ntwo", message.text());
        assertEquals("", Message.agent("m", null, null, List.of(Part.data(MAPPER.createArrayNode()))).text());
        Message moved = Message.user("m", "hi").withIds("ctx", "task");
        assertEquals("ctx", moved.contextId());
        assertEquals("task", moved.taskId());
    }

    // ---- TaskState --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(TaskState.class)
    void terminalAndInterruptedStates(TaskState state) {
        Set<TaskState> terminal = EnumSet.of(TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED,
                TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED);
        Set<TaskState> interrupted = EnumSet.of(TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED);
        assertEquals(terminal.contains(state), state.isTerminal(), state + ".isTerminal");
        assertEquals(interrupted.contains(state), state.isInterrupted(), state + ".isInterrupted");
        assertEquals(terminal.contains(state) || interrupted.contains(state), state.endsStream(), state + ".endsStream");
        assertFalse(state.isTerminal() && state.isInterrupted(), "a state is not both terminal and interrupted");
    }

    @Test
    void aTaskNeedsAnIdAndAStatus() {
        TaskStatus status = TaskStatus.of(TaskState.TASK_STATE_SUBMITTED);
        assertEquals("task.id is required", assertThrows(IllegalArgumentException.class,
                () -> new Task(null, "c", status, null, null, null)).getMessage());
        assertEquals("task.status is required", assertThrows(IllegalArgumentException.class,
                () -> new Task("t", "c", null, null, null, null)).getMessage());
        assertEquals("status.state is required", assertThrows(IllegalArgumentException.class,
                () -> new TaskStatus(null, null, Instant.now())).getMessage());
    }

    @Test
    void aStreamResponseAndASendMessageResponseHoldExactlyOneMember() {
        Task task = task(0);
        assertThrows(IllegalArgumentException.class, () -> new StreamResponse(null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new StreamResponse(task, Message.user("m", "hi"), null, null));
        assertThrows(IllegalArgumentException.class, () -> new SendMessageResponse(null, null));
        assertThrows(IllegalArgumentException.class, () -> new SendMessageResponse(task, Message.user("m", "hi")));
        assertEquals(TaskState.TASK_STATE_WORKING, StreamResponse.of(task).state());
        assertNull(StreamResponse.of(Message.user("m", "hi")).state());
    }

    // ---- Task.view ------------------------------------------------------------------------------------------

    @Test
    void viewWithNullHistoryLengthKeepsEverything() {
        Task task = task(3);
        Task view = task.view(null, true);
        assertEquals(task, view);
        assertEquals(List.of("m-1", "m-2", "m-3"), ids(view.history()));
        assertEquals(1, view.artifacts().size());
    }

    @Test
    void viewWithZeroHistoryLengthOmitsTheHistoryField() {
        Task view = task(3).view(0, true);
        assertNull(view.history());
        JsonNode json = MAPPER.valueToTree(view);
        assertFalse(json.has("history"), "no history field at all: " + json);
        assertTrue(json.has("artifacts"));
    }

    @Test
    void viewWithHistoryLengthNKeepsTheLastN() {
        Task task = task(3);
        assertEquals(List.of("m-2", "m-3"), ids(task.view(2, true).history()));
        assertEquals(List.of("m-3"), ids(task.view(1, true).history()));
        assertEquals(List.of("m-1", "m-2", "m-3"), ids(task.view(3, true).history()));
        assertEquals(List.of("m-1", "m-2", "m-3"), ids(task.view(10, true).history()));
        assertNull(task(0).withHistory(null).view(2, true).history(), "no history stays no history");
        assertEquals(3, task.history().size(), "the task itself is unchanged");
    }

    @Test
    void viewWithoutArtifactsOmitsThemAndKeepsTheRest() {
        Task task = task(2);
        Task view = task.view(1, false);
        assertNull(view.artifacts());
        assertFalse(MAPPER.valueToTree(view).has("artifacts"));
        assertEquals(task.id(), view.id());
        assertEquals(task.contextId(), view.contextId());
        assertEquals(task.status(), view.status());
        assertEquals(task.metadata(), view.metadata());
    }

    // ---- A2aVersion ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void aMissingVersionMeans03AndIsRefused(String requested) {
        A2aException e = assertThrows(A2aException.class, () -> A2aVersion.negotiate(requested));
        assertSame(A2aError.VERSION_NOT_SUPPORTED, e.error());
        assertEquals(-32009, e.error().code());
        assertTrue(e.getMessage().contains("0.3"), e.getMessage());
        assertTrue(e.getMessage().contains("A2A-Version: 1.0"), "says how to fix it: " + e.getMessage());
        assertEquals(Map.of("supportedVersions", "1.0"), e.metadata());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.0.3", " 1.0 "})
    void version10IsAccepted(String requested) {
        assertEquals("1.0", A2aVersion.negotiate(requested));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3", "0.3.0", "2.0", "garbage"})
    void otherVersionsAreRefusedWith32009(String requested) {
        A2aException e = assertThrows(A2aException.class, () -> A2aVersion.negotiate(requested));
        assertEquals(-32009, e.error().code());
        assertEquals(-32009, e.toJsonRpcError().code());
        assertTrue(e.getMessage().contains(requested), e.getMessage());
        assertEquals("VERSION_NOT_SUPPORTED", e.toJsonRpcError().data().get(0).reason());
    }

    // ---- extensions -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"transcript, TRANSCRIPT", "summary, SUMMARY", "none, NONE"})
    void handoffContextModesUseLowerCaseOnTheWire(String wire, HandoffCapability.ContextMode mode) throws Exception {
        HandoffCapability read = MAPPER.readValue("{\"context\":\"" + wire + "\"}", HandoffCapability.class);
        assertEquals(mode, read.context());
        assertEquals(wire, MAPPER.valueToTree(read).get("context").asText());
        assertEquals(mode, HandoffCapability.ContextMode.fromWire(wire));
    }

    @Test
    void anUnknownHandoffContextIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HandoffCapability.ContextMode.fromWire("everything"));
        assertTrue(e.getMessage().contains("transcript, summary, none"), e.getMessage());
        JsonProcessingException json = assertThrows(JsonProcessingException.class,
                () -> MAPPER.readValue("{\"context\":\"everything\"}", HandoffCapability.class));
        assertTrue(json.getMessage().contains("transcript, summary, none"), json.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HandoffCapability(true, true, null, null, -1));
    }

    @Test
    void handoffCapabilityRoundTripsThroughTheCard() throws Exception {
        HandoffCapability handoff = new HandoffCapability(true, false, List.of("billing"),
                HandoffCapability.ContextMode.TRANSCRIPT, 3);
        AgentExtension extension = handoff.toExtension(MAPPER, true);
        assertEquals(HandoffCapability.URI, extension.uri());
        assertTrue(extension.isRequired());
        assertEquals(MAPPER.readTree("{\"initiates\":true,\"accepts\":false,\"targets\":[\"billing\"],"
                + "\"context\":\"transcript\",\"maxDepth\":3}"), asJson(extension.params()));

        AgentCard card = card(extension);
        assertEquals(Optional.of(handoff), HandoffCapability.from(card, MAPPER));
        AgentCard overTheWire = MAPPER.readValue(MAPPER.writeValueAsString(card), AgentCard.class);
        HandoffCapability read = HandoffCapability.from(overTheWire, MAPPER).orElseThrow();
        assertEquals(handoff, read);
        assertTrue(read.canInitiate());
        assertFalse(read.canAccept());

        assertEquals(Optional.empty(), HandoffCapability.from(card(), MAPPER));
        HandoffCapability empty = HandoffCapability.from(
                card(new AgentExtension(HandoffCapability.URI, null, null, null)), MAPPER).orElseThrow();
        assertNull(empty.context());
        assertFalse(empty.canInitiate());
    }

    @Test
    void orchestrationCapabilityRoundTripsThroughTheCard() throws Exception {
        OrchestrationCapability orchestration = new OrchestrationCapability(List.of("parallel", "sequential"),
                List.of("concat"), new OrchestrationCapability.Limits(16, 8, 60_000L), List.of("echo", "billing"));
        AgentExtension extension = orchestration.toExtension(MAPPER, false);
        assertEquals(OrchestrationCapability.URI, extension.uri());
        assertFalse(extension.isRequired());
        assertEquals(MAPPER.readTree("{\"strategies\":[\"parallel\",\"sequential\"],\"synthesis\":[\"concat\"],"
                + "\"limits\":{\"maxAgents\":16,\"maxConcurrency\":8,\"deadlineMs\":60000},"
                + "\"agents\":[\"echo\",\"billing\"]}"), asJson(extension.params()));

        HandoffCapability handoff = new HandoffCapability(null, true, null, HandoffCapability.ContextMode.NONE, null);
        AgentCard card = card(handoff.toExtension(MAPPER, false), extension);
        assertEquals(Optional.of(orchestration), OrchestrationCapability.from(card, MAPPER));
        AgentCard overTheWire = MAPPER.readValue(MAPPER.writeValueAsString(card), AgentCard.class);
        assertEquals(Optional.of(orchestration), OrchestrationCapability.from(overTheWire, MAPPER));
        assertEquals(Optional.of(handoff), HandoffCapability.from(overTheWire, MAPPER));
        assertEquals(Optional.empty(), OrchestrationCapability.from(card(), MAPPER));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static AgentCard card(AgentExtension... extensions) {
        return new AgentCard("agent", null, List.of(AgentInterface.jsonRpc("http://localhost:9000/a2a")), null,
                "1", null, new AgentCapabilities(true, false, List.of(extensions), false), null, null, null, null,
                null, null, null).validate();
    }

    private static Task task(int historySize) {
        List<Message> history = new ArrayList<>();
        for (int i = 1; i <= historySize; i++) {
            history.add(new Message("m-" + i, "c", "t", i % 2 == 1 ? Role.ROLE_USER : Role.ROLE_AGENT,
                    List.of(Part.text("turn " + i)), null, null, null));
        }
        return new Task("t", "c", TaskStatus.of(TaskState.TASK_STATE_WORKING),
                List.of(Artifact.of("a", "out", List.of(Part.text("result")))), history, Map.of("k", "v"));
    }

    /** Written and read back, so numbers compare by value whatever their Java type was. */
    private static JsonNode asJson(Object value) throws JsonProcessingException {
        return MAPPER.readTree(MAPPER.writeValueAsString(value));
    }

    private static List<String> ids(List<Message> messages) {
        assertNotNull(messages);
        return messages.stream().map(Message::messageId).toList();
    }
}
