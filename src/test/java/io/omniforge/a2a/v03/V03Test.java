package io.omniforge.a2a.v03;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aJson;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskPushNotificationConfig;
import io.omniforge.a2a.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The 0.3 translation against real payloads ({@code ../shared/a2a/v0.3/wire-samples-v0.3.json}, captured from
 * @a2a-js/sdk 0.3.14, Google ADK JS 2.0 and @a2a-js/sdk 1.3.0): every sample is read into the 1.0 model, what the
 * gateway would write back as 0.3 validates against the 0.3 schema, the 1.0 form against the 1.0 schema, and the
 * SDK's own objects survive the round trip 0.3 → 1.0 → 0.3 unchanged. The samples are dispatched by their shape, so a
 * sample added later is tested as well. Where ../shared is absent, the sample tests are skipped; the unit tests below
 * them still run.
 */
class V03Test {

    private static final ObjectMapper JSON = A2aJson.newMapper();

    /** The 1.0 record a 0.3 method's params bind to. */
    private static final Map<A2aMethod, Class<?>> REQUEST_TYPES = Map.of(
            A2aMethod.SEND_MESSAGE, SendMessageRequest.class,
            A2aMethod.SEND_STREAMING_MESSAGE, SendMessageRequest.class,
            A2aMethod.GET_TASK, GetTaskRequest.class,
            A2aMethod.CANCEL_TASK, CancelTaskRequest.class,
            A2aMethod.SUBSCRIBE_TO_TASK, SubscribeToTaskRequest.class,
            A2aMethod.CREATE_PUSH_CONFIG, TaskPushNotificationConfig.class);

    /** The 1.0 record and the 0.3 definition of each method's result. */
    private static final Map<A2aMethod, Class<?>> RESULT_TYPES = Map.of(
            A2aMethod.SEND_MESSAGE, SendMessageResponse.class,
            A2aMethod.SEND_STREAMING_MESSAGE, StreamResponse.class,
            A2aMethod.SUBSCRIBE_TO_TASK, StreamResponse.class,
            A2aMethod.GET_TASK, Task.class,
            A2aMethod.CANCEL_TASK, Task.class);

    @TestFactory
    Stream<DynamicTest> everySampleIsReadAndWrittenBack() {
        JsonNode samples = A2aSchema03.wireSamples();
        Map<String, JsonNode> byName = new HashMap<>();
        samples.forEach(s -> byName.put(s.get("name").asText(), s));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode sample : samples) {
            String name = sample.get("name").asText();
            tests.add(dynamicTest(name, () -> check(name, sample, byName)));
        }
        assertTrue(tests.size() >= 100, "the 0.3 wire samples hold " + tests.size() + " samples, expected 100");
        return tests.stream();
    }

    private void check(String name, JsonNode sample, Map<String, JsonNode> byName) throws Exception {
        JsonNode body = sample.get("body");
        String direction = sample.get("direction").asText();
        if (name.startsWith("rest10.")) {
            checkRest10(name, direction, body);
            return;
        }
        if (name.startsWith("adk.rest03.")) {
            checkRest03(name, body);
            return;
        }
        if (direction.equals("card")) {
            checkCard(body);
            return;
        }
        if (body == null) {
            assertEquals("GET", sample.at("/http/method").asText(), name + ": a sample without body is a GET");
            return;
        }
        if (direction.equals("request")) {
            checkRequest(name, body);
            return;
        }
        JsonNode request = byName.get(name.substring(0, name.lastIndexOf('.')) + ".request").get("body");
        A2aMethod method = V03.method(request.get("method").asText()).orElse(null);
        if (body.has("error")) {
            int code = body.at("/error/code").asInt();
            String message = body.at("/error/message").asText();
            int meant = V03.errorCode(code, message);
            if (message.startsWith("Task not found")) {
                assertEquals(-32001, meant, name + ": " + message);
            } else if (message.startsWith("Task not cancelable")) {
                assertEquals(-32002, meant, name + ": " + message);
            } else if (code != -32603) {
                assertEquals(code, meant);
            }
            return;
        }
        JsonNode result = body.get("result");
        JsonNode as10 = V03.resultTo10(method, result);
        Object record = JSON.treeToValue(as10, RESULT_TYPES.get(method));
        JsonNode written10 = JSON.valueToTree(record);
        if (A2aSchema.available()) {
            A2aSchema.assertValid(record instanceof Task ? "Task" : record instanceof SendMessageResponse
                    ? "Send Message Response" : "Stream Response", written10);
        }
        JsonNode back = V03.resultTo03(method, written10);
        A2aSchema03.assertValid(definition03(back), back);
        if (name.startsWith("a2a03.")) {
            assertEquals(result, back, name + ": the SDK's object changed on its way through 1.0 and back");
        } else {
            assertEquals(result.path("kind").asText(), back.path("kind").asText(), name);
        }
    }

    private static String definition03(JsonNode object) {
        return switch (object.path("kind").asText()) {
            case "task" -> "Task";
            case "message" -> "Message";
            case "status-update" -> "TaskStatusUpdateEvent";
            case "artifact-update" -> "TaskArtifactUpdateEvent";
            default -> throw new AssertionError("no kind: " + object);
        };
    }

    private void checkRequest(String name, JsonNode body) throws Exception {
        String methodName = body.path("method").asText();
        var method = V03.method(methodName);
        if (methodName.equals("SendMessage")) {
            assertTrue(method.isEmpty(), "a 1.0 name is no 0.3 method");
            return;
        }
        assertTrue(method.isPresent(), name + ": unknown 0.3 method " + methodName);
        JsonNode params = body.get("params");
        boolean deliberatelyInvalid = name.contains(".invalid-params.");
        if (deliberatelyInvalid) {
            assertThrows(Exception.class, () -> {
                JsonNode p = V03.paramsTo10(method.get(), params);
                JSON.treeToValue(p, REQUEST_TYPES.get(method.get()));
            }, name);
            return;
        }
        Class<?> type = REQUEST_TYPES.get(method.get());
        JsonNode as10 = V03.paramsTo10(method.get(), params);
        if (type != null) {
            Object request = JSON.treeToValue(as10, type);
            if (request instanceof SendMessageRequest send) {
                assertEquals(params.at("/message/messageId").asText(), send.message().messageId());
                assertEquals(params.at("/message/parts").size(), send.message().parts().size());
                if (A2aSchema.available()) {
                    A2aSchema.assertValid("Send Message Request", JSON.valueToTree(request));
                }
                // And back, as a 0.3 agent would receive it.
                JsonNode back = V03.paramsTo03(method.get(), JSON.valueToTree(request));
                A2aSchema03.assertValid("MessageSendParams", back);
                assertEquals(params.get("message"), back.get("message"), name);
            }
        }
    }

    private void checkCard(JsonNode body) throws Exception {
        assertTrue(V03.isCard03(body));
        A2aSchema03.assertValid("AgentCard", body);
        JsonNode as10 = V03.cardTo10(body);
        AgentCard card = JSON.treeToValue(as10, AgentCard.class);
        assertTrue(card.supportedInterfaces().stream().anyMatch(i -> i.url().equals(body.get("url").asText())
                && i.protocolBinding().equals("JSONRPC") && i.protocolVersion().equals("0.3")), card.toString());
        if (A2aSchema.available()) {
            A2aSchema.assertValid("Agent Card", JSON.valueToTree(card));
        }
        JsonNode back = V03.cardTo03(JSON.valueToTree(card), false);
        A2aSchema03.assertValid("AgentCard", back);
        assertEquals(body.get("url"), back.get("url"));
        assertEquals(body.get("skills").size(), back.get("skills").size());
    }

    /** The 1.0 HTTP+JSON samples of @a2a-js/sdk 1.3.0 are 1.0 objects: the model reads them as they are. */
    private void checkRest10(String name, String direction, JsonNode body) throws Exception {
        if (body == null || body.has("error")) {
            return;
        }
        if (direction.equals("card")) {
            AgentCard card = JSON.treeToValue(body, AgentCard.class);
            assertFalse(V03.isCard03(body), name);
            assertTrue(card.supportedInterfaces().stream().anyMatch(i -> i.protocolBinding().equals("HTTP+JSON")), name);
        } else if (name.startsWith("rest10.message-send.request") || name.startsWith("rest10.message-stream.request")) {
            JSON.treeToValue(body, SendMessageRequest.class);
        } else if (name.equals("rest10.message-send.response")) {
            JSON.treeToValue(body, SendMessageResponse.class);
        } else if (name.startsWith("rest10.message-stream.frame")) {
            JSON.treeToValue(body, StreamResponse.class);
        } else if (name.equals("rest10.tasks-get.response")) {
            JSON.treeToValue(body, Task.class);
        }
    }

    /** a2a-js 0.3's HTTP+JSON writes proto field names ("content") and enums: read leniently, as meant. */
    private void checkRest03(String name, JsonNode body) throws Exception {
        if (body == null || body.has("code")) {
            return;
        }
        if (name.endsWith("message-send.request")) {
            SendMessageRequest r = JSON.treeToValue(V03.paramsTo10(A2aMethod.SEND_MESSAGE, body), SendMessageRequest.class);
            assertEquals("hello over 0.3 REST", r.message().text());
        } else {
            JsonNode task = body.has("task") ? body.get("task") : body;
            Task t = JSON.treeToValue(V03.taskTo10(task, "task"), Task.class);
            assertEquals(TaskState.TASK_STATE_COMPLETED, t.status().state());
            if (task.has("history")) {
                assertFalse(t.history().get(0).parts().isEmpty(), "\"content\" is read as the parts");
            }
        }
    }

    // ----- rules that need no sample

    @Test
    void partsTranslateBothWays() throws Exception {
        JsonNode parts10 = JSON.readTree("""
                [{"text":"hi"},{"raw":"AAE=","mediaType":"application/octet-stream","filename":"b.bin"},
                 {"url":"https://x.test/f.pdf","mediaType":"application/pdf"},{"data":{"a":1}},{"data":[1,2]}]""");
        List<JsonNode> out = new ArrayList<>();
        parts10.forEach(p -> out.add(V03.partTo03(p)));
        assertEquals("text", out.get(0).get("kind").asText());
        assertEquals("AAE=", out.get(1).at("/file/bytes").asText());
        assertEquals("b.bin", out.get(1).at("/file/name").asText());
        assertEquals("https://x.test/f.pdf", out.get(2).at("/file/uri").asText());
        assertEquals(1, out.get(3).at("/data/a").asInt());
        assertEquals(2, out.get(4).at("/data/value").size(), "0.3 data is an object: a list is wrapped");
        for (int i = 0; i < 4; i++) {
            assertEquals(parts10.get(i), V03.partTo10(out.get(i), "p"), "part " + i + " round trip");
        }
    }

    @Test
    void statesRolesAndFinalFlags() throws Exception {
        for (TaskState state : TaskState.values()) {
            ObjectNode update = JSON.createObjectNode();
            update.putObject("statusUpdate").put("taskId", "t").put("contextId", "c")
                    .putObject("status").put("state", state.name());
            JsonNode out = V03.streamResponseTo03(update);
            assertEquals(state.endsStream(), out.get("final").asBoolean(), state.name());
            assertEquals(state.name(), V03.streamResponseTo10(out, "e").at("/statusUpdate/status/state").asText());
        }
        assertEquals("input-required", V03.stateTo03("TASK_STATE_INPUT_REQUIRED"));
        assertEquals("TASK_STATE_WORKING", V03.stateTo10(JSON.getNodeFactory().textNode("TASK_STATE_WORKING"), "s"),
                "proto-style enums from lenient agents are accepted");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> V03.stateTo10(JSON.getNodeFactory().textNode("unknown"), "result.status.state"));
        assertTrue(unknown.getMessage().startsWith("result.status.state: \"unknown\""), unknown.getMessage());
        Message m = JSON.treeToValue(V03.messageTo10(JSON.readTree(
                "{\"kind\":\"message\",\"messageId\":\"m\",\"role\":\"agent\",\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]}"), "m"),
                Message.class);
        assertEquals("ROLE_AGENT", m.role().name());
    }

    @Test
    void blockingIsTheInverseOfReturnImmediately() throws Exception {
        JsonNode p = V03.paramsTo10(A2aMethod.SEND_MESSAGE, JSON.readTree("""
                {"message":{"kind":"message","messageId":"m","role":"user","parts":[{"kind":"text","text":"x"}]},
                 "configuration":{"blocking":false,"historyLength":2,
                   "pushNotificationConfig":{"url":"https://h.test/w","token":"t","authentication":{"schemes":["Bearer"]}}}}"""));
        SendMessageRequest r = JSON.treeToValue(p, SendMessageRequest.class);
        assertTrue(r.configuration().returnImmediately());
        assertEquals(2, r.configuration().historyLength());
        assertEquals("Bearer", r.configuration().taskPushNotificationConfig().authentication().scheme());
        JsonNode back = V03.paramsTo03(A2aMethod.SEND_MESSAGE, JSON.valueToTree(r));
        assertFalse(back.at("/configuration/blocking").asBoolean(true));
        assertEquals("Bearer", back.at("/configuration/pushNotificationConfig/authentication/schemes/0").asText());
    }

    @Test
    void eventsWithoutKindAreReadByTheirFields() {
        JsonNode e = V03.streamResponseTo10(JSON.createObjectNode().put("taskId", "t").put("contextId", "c")
                .set("artifact", JSON.createObjectNode().put("artifactId", "a")
                        .set("parts", JSON.createArrayNode().add(JSON.createObjectNode().put("text", "x")))), "result");
        assertTrue(e.has("artifactUpdate"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> V03.streamResponseTo10(JSON.createObjectNode().put("kind", "bogus"), "result"));
        assertTrue(bad.getMessage().contains("result.kind"), bad.getMessage());
    }

    @Test
    void methodNamesMapBothWays() {
        for (A2aMethod m : A2aMethod.values()) {
            V03.methodName(m).ifPresent(n -> assertEquals(m, V03.method(n).orElseThrow()));
        }
        assertTrue(V03.methodName(A2aMethod.LIST_TASKS).isEmpty(), "0.3 has no ListTasks");
        assertEquals(A2aMethod.SEND_MESSAGE, V03.method("message/send").orElseThrow());
    }
}
