package io.omniforge.demo;

import static io.omniforge.demo.Rpc.message;
import static io.omniforge.demo.Rpc.send;
import static io.omniforge.demo.Rpc.state;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The demo agents' cards, and the task semantics of the shared base seen through echo, triage and billing. */
@QuarkusTest
class DemoAgentsTest {

    private static final Map<String, String> A_TAG = Map.of("echo", "echo", "slow", "streaming", "flaky", "chaos",
            "triage", "routing", "billing", "refund");

    @Inject
    DemoAgents demo;

    @Test
    void everyAgentHasItsCard() {
        assertEquals(DemoAgents.NAMES, demo.served());
        for (String name : DemoAgents.NAMES) {
            assertEquals("/demo/" + name, DemoAgents.basePath(name));
            given().header("A2A-Version", "1.0").get(DemoAgents.basePath(name) + "/.well-known/agent-card.json").then()
                    .statusCode(200)
                    .body("name", is(name))
                    .body("description", not(emptyOrNullString()))
                    .body("version", not(emptyOrNullString()))
                    .body("supportedInterfaces", hasSize(2))
                    .body("supportedInterfaces[0].url", is("http://localhost:" + RestAssured.port + "/demo/" + name + "/a2a"))
                    .body("supportedInterfaces[0].protocolBinding", is("JSONRPC"))
                    .body("supportedInterfaces[0].protocolVersion", is("1.0"))
                    .body("supportedInterfaces[1].url", is("http://localhost:" + RestAssured.port + "/demo/" + name))
                    .body("supportedInterfaces[1].protocolBinding", is("HTTP+JSON"))
                    .body("supportedInterfaces[1].protocolVersion", is("1.0"))
                    .body("capabilities.streaming", is(true))
                    .body("capabilities.pushNotifications", is(false))
                    .body("capabilities.extendedAgentCard", is(false))
                    .body("defaultInputModes", contains("text/plain"))
                    .body("defaultOutputModes", contains("text/plain"))
                    .body("skills.id", not(hasItem(emptyOrNullString())))
                    .body("skills.tags.flatten()", hasItem(A_TAG.get(name)));
        }
    }

    @Test
    void echoAnswersBlocking() {
        JsonPath r = Rpc.ok("echo", "SendMessage", send(message("hello")));
        String id = r.getString("result.task.id");
        assertNotNull(id);
        assertEquals("TASK_STATE_COMPLETED", r.getString("result.task.status.state"));
        assertNotNull(r.getString("result.task.status.timestamp"));
        assertEquals("echo", r.getString("result.task.artifacts[0].name"));
        assertFalse(r.getString("result.task.artifacts[0].artifactId").isBlank());
        assertEquals("echo: hello", r.getString("result.task.artifacts[0].parts[0].text"));
        assertEquals(id, r.getString("result.task.history[0].taskId"));
        assertEquals(r.getString("result.task.contextId"), r.getString("result.task.history[0].contextId"));

        JsonPath noHistory = Rpc.ok("echo", "SendMessage", send(message("again"), Map.of("historyLength", 0)));
        assertNull(noHistory.get("result.task.history"));
        assertEquals("echo: again", noHistory.getString("result.task.artifacts[0].parts[0].text"));
    }

    @Test
    void returnImmediatelyAnswersWithTheTaskAsCreated() {
        JsonPath r = Rpc.ok("echo", "SendMessage", send(message("later"), Map.of("returnImmediately", true)));
        String id = r.getString("result.task.id");
        assertEquals("TASK_STATE_SUBMITTED", r.getString("result.task.status.state"));
        assertNull(r.get("result.task.artifacts"));

        // echo finishes within the call that started it, so the task is done by now
        JsonPath got = Rpc.ok("echo", "GetTask", Map.of("id", id, "historyLength", 1));
        assertEquals("TASK_STATE_COMPLETED", got.getString("result.status.state"));
        assertEquals("echo: later", got.getString("result.artifacts[0].parts[0].text"));
        assertEquals(1, got.getList("result.history").size());
    }

    @Test
    void echoStreams() {
        List<JsonPath> events = Rpc.stream("echo", "SendStreamingMessage", send(message("stream me")));
        assertEquals(4, events.size());
        JsonPath first = events.get(0);
        String id = first.getString("result.task.id");
        String contextId = first.getString("result.task.contextId");
        assertEquals("TASK_STATE_SUBMITTED", first.getString("result.task.status.state"));
        assertEquals("stream me", first.getString("result.task.history[0].parts[0].text"));
        assertEquals(id, first.getString("result.task.history[0].taskId"));
        assertEquals("TASK_STATE_WORKING", state(events.get(1)));
        assertEquals("echo: stream me", events.get(2).getString("result.artifactUpdate.artifact.parts[0].text"));
        assertTrue(events.get(2).getBoolean("result.artifactUpdate.lastChunk"));
        assertEquals("TASK_STATE_COMPLETED", events.get(3).getString("result.statusUpdate.status.state"));
        for (JsonPath e : events.subList(1, events.size())) {
            String kind = e.get("result.statusUpdate") != null ? "statusUpdate" : "artifactUpdate";
            assertEquals(id, e.getString("result." + kind + ".taskId"));
            assertEquals(contextId, e.getString("result." + kind + ".contextId"));
            assertEquals(7, e.getInt("id"));
        }
    }

    @Test
    void askThenResume() {
        JsonPath asked = Rpc.ok("echo", "SendMessage", send(message("ask: fruit")));
        String id = asked.getString("result.task.id");
        String contextId = asked.getString("result.task.contextId");
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.getString("result.task.status.state"));
        assertEquals("ROLE_AGENT", asked.getString("result.task.status.message.role"));
        assertEquals("What else should I add?", asked.getString("result.task.status.message.parts[0].text"));

        JsonPath mismatch = Rpc.error("echo", "SendMessage", send(message("apples", id, "another-context")));
        assertEquals(-32602, mismatch.getInt("error.code"));
        JsonPath unknown = Rpc.error("echo", "SendMessage", send(message("apples", UUID.randomUUID().toString(), null)));
        assertEquals(-32001, unknown.getInt("error.code"));
        assertEquals("TASK_NOT_FOUND", unknown.getString("error.data[0].reason"));

        JsonPath resumed = Rpc.ok("echo", "SendMessage", send(message("apples", id, contextId)));
        assertEquals(id, resumed.getString("result.task.id"));
        assertEquals("TASK_STATE_COMPLETED", resumed.getString("result.task.status.state"));
        assertEquals("echo: ask: fruit + apples", resumed.getString("result.task.artifacts[0].parts[0].text"));
        assertEquals(List.of("ROLE_USER", "ROLE_AGENT", "ROLE_USER"), resumed.getList("result.task.history.role"));

        JsonPath done = Rpc.error("echo", "SendMessage", send(message("more", id, null)));
        assertEquals(-32004, done.getInt("error.code"));
        assertEquals("UNSUPPORTED_OPERATION", done.getString("error.data[0].reason"));
    }

    @Test
    void askThenResumeStreaming() {
        List<JsonPath> asked = Rpc.stream("echo", "SendStreamingMessage", send(message("ask: colours")));
        String id = asked.get(0).getString("result.task.id");
        assertEquals("TASK_STATE_INPUT_REQUIRED", state(asked.get(asked.size() - 1)));

        // a subscriber to a task that waits for input gets the task, and the stream ends
        List<JsonPath> subscribed = Rpc.stream("echo", "SubscribeToTask", Map.of("id", id));
        assertEquals(1, subscribed.size());
        assertEquals("TASK_STATE_INPUT_REQUIRED", subscribed.get(0).getString("result.task.status.state"));

        List<JsonPath> resumed = Rpc.stream("echo", "SendStreamingMessage", send(message("blue", id, null)));
        assertEquals(id, resumed.get(0).getString("result.task.id"));
        assertEquals("TASK_STATE_SUBMITTED", state(resumed.get(0)));
        assertEquals(3, resumed.get(0).getList("result.task.history").size());
        assertEquals("echo: ask: colours + blue",
                resumed.get(resumed.size() - 2).getString("result.artifactUpdate.artifact.parts[0].text"));
        assertEquals("TASK_STATE_COMPLETED", state(resumed.get(resumed.size() - 1)));

        JsonPath terminal = Rpc.error("echo", "SubscribeToTask", Map.of("id", id));
        assertEquals(-32004, terminal.getInt("error.code"));
    }

    @Test
    void triageAndBillingAnswer() {
        JsonPath triage = Rpc.ok("triage", "SendMessage", send(message("I was charged twice")));
        assertEquals("TASK_STATE_COMPLETED", triage.getString("result.task.status.state"));
        assertEquals("triage", triage.getString("result.task.artifacts[0].name"));
        assertTrue(triage.getString("result.task.artifacts[0].parts[0].text").contains("billing"));

        JsonPath billing = Rpc.ok("billing", "SendMessage", send(message("refund invoice 42")));
        assertEquals("TASK_STATE_COMPLETED", billing.getString("result.task.status.state"));
        assertEquals("billing", billing.getString("result.task.artifacts[0].name"));
        assertEquals("billing: I looked at your account: refund invoice 42",
                billing.getString("result.task.artifacts[0].parts[0].text"));
    }

    @Test
    void getAndListTasks() {
        String contextId = "ctx-" + UUID.randomUUID();
        String first = Rpc.ok("billing", "SendMessage", send(message("one", null, contextId))).getString("result.task.id");
        Rpc.ok("billing", "SendMessage", send(message("two", null, contextId)));
        Rpc.ok("billing", "SendMessage", send(message("three", null, contextId)));
        Rpc.ok("billing", "SendMessage", send(message("elsewhere")));

        JsonPath got = Rpc.ok("billing", "GetTask", Map.of("id", first));
        assertEquals(contextId, got.getString("result.contextId"));
        assertEquals(-32001, Rpc.error("billing", "GetTask", Map.of("id", "nope")).getInt("error.code"));

        JsonPath page1 = Rpc.ok("billing", "ListTasks", Map.of("contextId", contextId, "pageSize", 2));
        assertEquals(2, page1.getList("result.tasks").size());
        assertEquals(3, page1.getInt("result.totalSize"));
        assertNull(page1.get("result.tasks[0].artifacts"));
        String token = page1.getString("result.nextPageToken");
        assertFalse(token.isEmpty());
        JsonPath page2 = Rpc.ok("billing", "ListTasks", Map.of("contextId", contextId, "pageSize", 2, "pageToken", token,
                "includeArtifacts", true));
        assertEquals(1, page2.getList("result.tasks").size());
        assertEquals("", page2.getString("result.nextPageToken"));
        assertNotNull(page2.get("result.tasks[0].artifacts"));
        List<String> all = new java.util.ArrayList<>(page1.getList("result.tasks.id"));
        all.addAll(page2.getList("result.tasks.id"));
        assertEquals(3, all.stream().distinct().count());
        assertTrue(all.contains(first));

        JsonPath completed = Rpc.ok("billing", "ListTasks", Map.of("contextId", contextId, "status", "TASK_STATE_COMPLETED"));
        assertEquals(3, completed.getList("result.tasks").size());
        JsonPath working = Rpc.ok("billing", "ListTasks", Map.of("contextId", contextId, "status", "TASK_STATE_WORKING"));
        assertEquals(0, working.getList("result.tasks").size());
        assertEquals(-32602, Rpc.error("billing", "ListTasks", Map.of("pageToken", "not-a-token")).getInt("error.code"));
    }
}
