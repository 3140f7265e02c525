package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.omniforge.support.Rpc.Event;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP+JSON binding of A2A 1.0 (section 11) on the orchestrator, a flow and a demo agent: every operation, its
 * bare results, its {@code google.rpc.Status} errors with ErrorInfo, its SSE streams with the sequence ids the
 * JSON-RPC endpoint gives and {@code Last-Event-ID} replay, the tenant segment, and the content types. Every payload
 * is validated against the 1.0 schema (skipped, saying so, without ../shared; the behaviour is still checked).
 */
@QuarkusTest
class HttpJsonBindingTest {

    private static RequestSpecification rest() {
        return given().header("A2A-Version", "1.0").contentType("application/a2a+json");
    }

    private static void valid(String definition, JsonNode payload) {
        if (A2aSchema.available()) {
            A2aSchema.assertValid(definition, payload);
        }
    }

    private static JsonNode json(Response response) {
        return Rpc.read(response.asString());
    }

    /** An error answer: its HTTP status, the binding's body shape and the ErrorInfo reason. */
    private static JsonNode error(Response response, int status, String reason) {
        JsonNode body = json(response);
        assertEquals(status, response.statusCode(), body.toString());
        A2aSchema.assertValidHttpError(body, status);
        assertEquals(reason, body.at("/error/details/0/reason").asText(), body.toString());
        assertFalse(body.toString().matches("(?s).*(io\\.omniforge|java\\.|Exception).*"), body.toString());
        return body.get("error");
    }

    private static JsonNode send(String path, String text, String agent) {
        Response response = rest().body(Rpc.send(Rpc.message(text, agent))).post(path + "/message:send");
        assertEquals(200, response.statusCode(), response.asString());
        assertTrue(response.contentType().startsWith("application/a2a+json"), response.contentType());
        JsonNode body = json(response);
        valid("Send Message Response", body);
        return body;
    }

    @Test
    void theCardOffersBothBindingsAtTheirUrls() {
        JsonNode card = json(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json"));
        valid("Agent Card", card);
        List<String> bindings = card.get("supportedInterfaces").findValuesAsText("protocolBinding");
        assertEquals(List.of("JSONRPC", "HTTP+JSON"), bindings, card.toString());
        String root = card.at("/supportedInterfaces/1/url").asText();
        assertTrue(root.matches("http://[^/]+"), "the HTTP+JSON interface is at the root: " + root);
        assertEquals("1.0", card.at("/supportedInterfaces/1/protocolVersion").asText());

        JsonNode flow = json(given().header("A2A-Version", "1.0").get("/flows/pipeline/.well-known/agent-card.json"));
        assertTrue(flow.at("/supportedInterfaces/1/url").asText().endsWith("/flows/pipeline"), flow.toString());
        assertEquals("HTTP+JSON", flow.at("/supportedInterfaces/1/protocolBinding").asText());
    }

    @Test
    void sendGetListAndCancelAnswerTheBareObjects() {
        JsonNode task = send("", "hello rest", "echo").get("task");
        assertNotNull(task, "a task");
        assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), task.toString());
        assertTrue(Rpc.artifactText(task).contains("hello rest"), task.toString());
        String id = task.get("id").asText();

        Response got = rest().get("/tasks/" + id + "?historyLength=1");
        assertEquals(200, got.statusCode(), got.asString());
        JsonNode gotTask = json(got);
        valid("Task", gotTask);
        assertEquals(id, gotTask.get("id").asText());
        assertEquals(1, gotTask.get("history").size(), gotTask.toString());

        Response listed = rest().get("/tasks?contextId=" + task.get("contextId").asText() + "&pageSize=5");
        assertEquals(200, listed.statusCode(), listed.asString());
        JsonNode list = json(listed);
        valid("List Tasks Response", list);
        assertEquals(id, list.at("/tasks/0/id").asText(), list.toString());

        JsonNode refused = error(rest().post("/tasks/" + id + ":cancel"), 400, "TASK_NOT_CANCELABLE");
        assertEquals("FAILED_PRECONDITION", refused.get("status").asText());
    }

    @Test
    void aFlowAndADemoAgentServeTheBindingToo() {
        JsonNode flow = send("/flows/pipeline", "twice", null).get("task");
        assertTrue(Rpc.artifactText(flow).contains("echo: echo: twice"), flow.toString());
        JsonNode demo = send("/demo/echo", "direct", null);
        assertTrue(demo.toString().contains("direct"), demo.toString());
    }

    @Test
    void aRunningTaskIsCanceledAndAPlainJsonClientGetsPlainJson() {
        Map<String, Object> request = Map.of("message", Rpc.message("delay:60000", "slow"),
                "configuration", Map.of("returnImmediately", true));
        Response sent = given().header("A2A-Version", "1.0").contentType("application/json").accept("application/json")
                .body(request).post("/message:send");
        assertEquals(200, sent.statusCode(), sent.asString());
        assertTrue(sent.contentType().startsWith("application/json"), sent.contentType());
        String id = json(sent).at("/task/id").asText();

        Response canceled = rest().post("/tasks/" + id + ":cancel");
        assertEquals(200, canceled.statusCode(), canceled.asString());
        JsonNode task = json(canceled);
        valid("Task", task);
        assertEquals("TASK_STATE_CANCELED", task.at("/status/state").asText(), task.toString());
    }

    @Test
    void streamsCarryTheSequenceIdsAndReplayFromLastEventId() {
        String body = rest().body(Rpc.send(Rpc.message("stream me", "echo"))).post("/message:stream")
                .then().statusCode(200).contentType("text/event-stream").extract().asString();
        List<Event> events = Rpc.events(body);
        assertTrue(events.size() >= 2, body);
        assertNotNull(events.get(0).data().get("task"), "a stream opens with the task: " + body);
        long previous = 0;
        for (Event e : events) {
            valid("Stream Response", e.data());
            assertNotNull(e.id(), "every event has its sequence id: " + body);
            assertTrue(e.id() > previous, body);
            previous = e.id();
        }
        assertEquals("TASK_STATE_COMPLETED", events.get(events.size() - 1).data().at("/statusUpdate/status/state").asText(),
                body);

        // A running task: subscribe from the start, then again from the first event's id.
        Map<String, Object> slow = Map.of("message", Rpc.message("delay:1500", "slow"),
                "configuration", Map.of("returnImmediately", true));
        String id = json(rest().body(slow).post("/message:send")).at("/task/id").asText();
        List<Event> all = Rpc.events(rest().post("/tasks/" + id + ":subscribe").then().statusCode(200)
                .extract().asString());
        assertEquals(id, all.get(0).data().at("/task/id").asText(), all.toString());
        Event last = all.get(all.size() - 1);
        assertEquals("TASK_STATE_COMPLETED", last.data().at("/statusUpdate/status/state").asText(), all.toString());

        // Replayed after the finish, from an id the client saw: the log is still there for a stream that resumes.
        JsonNode finished = json(rest().get("/tasks/" + id));
        assertEquals("TASK_STATE_COMPLETED", finished.at("/status/state").asText());
        error(rest().post("/tasks/" + id + ":subscribe"), 400, "UNSUPPORTED_OPERATION");
    }

    @Test
    void aResumedStreamStartsAfterTheLastEventItSaw() {
        Map<String, Object> slow = Map.of("message", Rpc.message("delay:2000", "slow"),
                "configuration", Map.of("returnImmediately", true));
        String id = json(rest().body(slow).post("/message:send")).at("/task/id").asText();
        // An EventSource can only GET, and sends the version as a query parameter.
        List<Event> resumed = Rpc.events(given().header("Last-Event-ID", "1")
                .get("/tasks/" + id + ":subscribe?A2A-Version=1.0").then().statusCode(200).extract().asString());
        assertFalse(resumed.isEmpty());
        assertNull(resumed.get(0).id(), "the opening snapshot of a resumed stream is not numbered: " + resumed);
        for (Event e : resumed.subList(1, resumed.size())) {
            assertTrue(e.id() > 1, "only events after the one the client saw: " + resumed);
        }
        assertEquals("TASK_STATE_COMPLETED",
                resumed.get(resumed.size() - 1).data().at("/statusUpdate/status/state").asText(), resumed.toString());
    }

    @Test
    void theTenantSegmentScopesTheCall() {
        String alice = "Bearer alice-key";
        Response mine = rest().header("Authorization", alice).body(Rpc.send(Rpc.message("tenant a", "echo")))
                .post("/tenant-a/message:send");
        assertEquals(200, mine.statusCode(), mine.asString());
        String id = json(mine).at("/task/id").asText();
        assertEquals(200, rest().header("Authorization", alice).get("/tenant-a/tasks/" + id).statusCode());
        assertEquals(200, rest().header("Authorization", alice).get("/tasks/" + id).statusCode());

        error(rest().header("Authorization", alice).body(Rpc.send(Rpc.message("x", "echo")))
                .post("/tenant-b/message:send"), 403, "PERMISSION_DENIED");
        // Another tenant's caller does not see it, not even by naming tenant-a's path.
        error(rest().header("Authorization", "Bearer bob-key").get("/tenant-b/tasks/" + id), 404, "TASK_NOT_FOUND");
        error(rest().header("Authorization", "Bearer no-such-key").get("/tasks/" + id), 401, "UNAUTHENTICATED");
    }

    @Test
    void everyWrongRequestGetsTheBindingsErrorBody() {
        error(rest().get("/tasks/no-such-task"), 404, "TASK_NOT_FOUND");
        JsonNode unknown = error(rest().post("/message:shout"), 404, "METHOD_NOT_FOUND");
        assertTrue(unknown.get("message").asText().contains("POST /message:send"), unknown.toString());

        Response wrongVerb = rest().get("/message:send");
        error(wrongVerb, 405, "INVALID_REQUEST");
        assertEquals("POST", wrongVerb.header("Allow"));

        error(given().header("A2A-Version", "1.0").contentType("text/plain").body("hi").post("/message:send"), 415,
                "INVALID_REQUEST");
        error(rest().body("{\"message\": ").post("/message:send"), 400, "PARSE_ERROR");
        error(rest().body("[1]").post("/message:send"), 400, "INVALID_REQUEST");
        JsonNode missing = error(rest().body("{}").post("/message:send"), 400, "INVALID_PARAMS");
        assertTrue(missing.get("message").asText().contains("message"), missing.toString());
        error(rest().get("/tasks?pageSize=ten"), 400, "INVALID_PARAMS");
        JsonNode contradicted = error(rest().body(Map.of("id", "other")).post("/tasks/t1:cancel"), 400, "INVALID_PARAMS");
        assertTrue(contradicted.get("message").asText().contains("path"), contradicted.toString());
        JsonNode version = error(given().header("A2A-Version", "0.3").contentType("application/json")
                .body(Rpc.send(Rpc.message("x", "echo"))).post("/message:send"), 400, "VERSION_NOT_SUPPORTED");
        assertTrue(version.get("message").asText().contains("1.0"), version.toString());
        error(rest().body(Map.of("url", "https://example.com/hook")).post("/tasks/t1/pushNotificationConfigs"), 400,
                "PUSH_NOTIFICATION_NOT_SUPPORTED");
    }

    @Test
    void aFailureAfterTheFirstEventIsANamedErrorEventAndABugSaysNothingOfItself() {
        String body = rest().body(Rpc.send(Rpc.message("x", null))).post(BrokenService.PATH + "/message:stream")
                .then().statusCode(200).extract().asString();
        assertTrue(body.contains("event: error\n"), body);
        List<Event> events = Rpc.events(body);
        assertEquals(2, events.size(), body);
        assertNull(events.get(1).id(), "the error event has no sequence id: " + body);
        A2aSchema.assertValidHttpError(events.get(1).data(), 404);
        assertEquals("TASK_NOT_FOUND", events.get(1).data().at("/error/details/0/reason").asText());

        JsonNode internal = error(rest().get(BrokenService.PATH + "/tasks/t-broken"), 500, "INTERNAL_ERROR");
        assertFalse(internal.toString().contains("secret"), internal.toString());
        error(rest().get(BrokenService.PATH + "/tasks"), 500, "INVALID_AGENT_RESPONSE");
    }
}
