package io.omniforge.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.omniforge.support.Rpc.Event;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator end to end: real HTTP into its A2A endpoint, real HTTP on loopback to the demo agents, a real
 * SQLite file underneath.
 */
@QuarkusTest
class GatewayFlowTest {

    private static JsonNode send(Map<String, Object> message) {
        return send(message, Map.of());
    }

    private static JsonNode send(Map<String, Object> message, Map<String, Object> configuration) {
        Map<String, Object> params = new HashMap<>();
        params.put("message", message);
        if (!configuration.isEmpty()) {
            params.put("configuration", configuration);
        }
        JsonNode response = Rpc.call("/a2a", "SendMessage", params);
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.path("result").path("task");
    }

    private static List<Event> stream(String method, Map<String, Object> params, Map<String, String> headers) {
        var request = given().contentType("application/json").header("A2A-Version", "1.0");
        headers.forEach(request::header);
        String body = request.body(Rpc.request(method, params)).post("/a2a").then().statusCode(200)
                .contentType("text/event-stream").extract().asString();
        List<Event> events = Rpc.events(body);
        for (Event e : events) {
            assertFalse(e.data().has("error"), e.data().toString());
            A2aSchema.assertValid("Stream Response", e.data().get("result"));
        }
        return events;
    }

    private static Map<String, Object> with(Map<String, Object> message, String key, Object value) {
        Map<String, Object> m = new HashMap<>(message);
        m.put(key, value);
        return m;
    }

    private static String agentOf(JsonNode withMetadata) {
        return withMetadata.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText(null);
    }

    @Test
    void cardDescribesTheOrchestrator() {
        String raw = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200)
                .contentType("application/json").extract().asString();
        JsonNode card = Rpc.read(raw);
        A2aSchema.assertValid("Agent Card", card);
        JsonNode rpc = card.path("supportedInterfaces").get(0);
        assertEquals("JSONRPC", rpc.path("protocolBinding").asText());
        assertEquals("1.0", rpc.path("protocolVersion").asText());
        assertTrue(rpc.path("url").asText().matches("http://localhost:\\d+/a2a"), rpc.toString());
        assertFalse(card.path("capabilities").path("pushNotifications").asBoolean(true));
        assertTrue(card.path("capabilities").path("streaming").asBoolean());
        assertTrue(card.path("capabilities").path("extensions").toString().contains(Rpc.AGENT_KEY));
        Set<String> skills = new HashSet<>();
        card.path("skills").forEach(s -> skills.add(s.path("id").asText()));
        assertTrue(skills.containsAll(List.of("agent:echo", "agent:triage", "agent:billing")), skills.toString());
    }

    @Test
    void blockingSendMessageReachesTheNamedAgent() {
        Map<String, Object> message = Rpc.message("hello there", "echo");
        JsonNode task = send(message);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText());
        assertEquals("echo: hello there", Rpc.artifactText(task));
        assertEquals("echo", agentOf(task.path("artifacts").get(0)));
        assertNotNull(task.path("contextId").asText(null));
        // The client sees the orchestrator's ids: its own message, re-keyed to the upstream task.
        JsonNode first = task.path("history").get(0);
        assertEquals(message.get("messageId"), first.path("messageId").asText());
        assertEquals(task.path("id").asText(), first.path("taskId").asText());
        assertEquals(task.path("contextId").asText(), first.path("contextId").asText());

        JsonNode fetched = Rpc.call("/a2a", "GetTask", Map.of("id", task.path("id").asText(), "historyLength", 0))
                .path("result");
        A2aSchema.assertValid("Task", fetched);
        assertEquals("TASK_STATE_COMPLETED", fetched.path("status").path("state").asText());
        assertFalse(fetched.has("history"), "historyLength 0 leaves history out");
    }

    @Test
    void entryAgentThenThreadActiveAgent() {
        JsonNode first = send(Rpc.message("hi, who can help me?", null));
        assertTrue(Rpc.artifactText(first).startsWith("triage"), Rpc.artifactText(first));
        String context = first.path("contextId").asText();

        JsonNode second = send(with(Rpc.message("talk to echo", "echo"), "contextId", context));
        assertEquals(context, second.path("contextId").asText());
        assertTrue(Rpc.artifactText(second).startsWith("echo"));

        // No agent named: the thread's active agent (echo now) answers, not the entry agent.
        JsonNode third = send(with(Rpc.message("still there?", null), "contextId", context));
        assertEquals("echo: still there?", Rpc.artifactText(third));

        JsonNode thread = Rpc.read(given().get("/api/v1/threads/" + context).then().statusCode(200).extract().asString());
        assertEquals("echo", thread.path("activeAgent").asText());
        assertEquals(List.of("triage", "echo"), toList(thread.path("participants")));
        assertTrue(thread.path("messages").size() >= 6, "three user messages and three answers: " + thread);
        assertTrue(thread.path("state").path("agents").has("echo"), "the agent's own context is remembered: " + thread);
        given().get("/api/v1/threads/no-such-thread").then().statusCode(404)
                .body("error.status", org.hamcrest.Matchers.equalTo("NOT_FOUND"));
    }

    @Test
    void streamingMessageIsOrderedAndEndsOnCompletion() {
        List<Event> events = stream("SendStreamingMessage", Rpc.send(Rpc.message("delay:300", "slow")), Map.of());
        JsonNode first = events.get(0).data().path("result");
        assertTrue(first.has("task"), "the first event is the Task: " + first);
        String taskId = first.path("task").path("id").asText();
        long previous = 0;
        int chunks = 0;
        for (Event e : events) {
            assertNotNull(e.id(), "every event has an id");
            assertTrue(e.id() > previous, "ids increase: " + e.id() + " after " + previous);
            previous = e.id();
            JsonNode result = e.data().path("result");
            if (result.has("artifactUpdate")) {
                chunks++;
                assertEquals(taskId, result.path("artifactUpdate").path("taskId").asText());
                assertEquals("slow", agentOf(result.path("artifactUpdate")));
            }
        }
        assertEquals(5, chunks);
        JsonNode last = events.get(events.size() - 1).data().path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());

        JsonNode task = Rpc.call("/a2a", "GetTask", Map.of("id", taskId)).path("result");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText());
        assertEquals(1, task.path("artifacts").size(), "chunks are appended into one artifact");
        assertEquals(5, task.path("artifacts").get(0).path("parts").size());
    }

    @Test
    void returnImmediatelyThenSubscribe() {
        JsonNode task = send(Rpc.message("delay:1500", "slow"), Map.of("returnImmediately", true));
        assertFalse(task.path("status").path("state").asText().equals("TASK_STATE_COMPLETED"));
        String id = task.path("id").asText();
        List<Event> events = stream("SubscribeToTask", Map.of("id", id), Map.of());
        assertEquals(id, events.get(0).data().path("result").path("task").path("id").asText());
        JsonNode last = events.get(events.size() - 1).data().path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());
        // A finished task cannot be subscribed to.
        JsonNode error = Rpc.call("/a2a", "SubscribeToTask", Map.of("id", id)).path("error");
        assertEquals(-32004, error.path("code").asInt());
    }

    @Test
    void subscribeWithLastEventIdReplaysWhatWasMissed() {
        JsonNode task = send(Rpc.message("delay:1500", "slow"), Map.of("returnImmediately", true));
        String id = task.path("id").asText();
        List<Event> events = stream("SubscribeToTask", Map.of("id", id), Map.of("Last-Event-ID", "1"));
        assertTrue(events.get(0).data().path("result").has("task"), "the current Task comes first");
        List<Long> ids = events.stream().skip(1).map(Event::id).toList();
        assertEquals(2L, ids.get(0), "replay starts right after the client's last event");
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i), "no gap, no duplicate: " + ids);
        }
        int chunks = (int) events.stream().filter(e -> e.data().path("result").has("artifactUpdate")).count();
        assertEquals(5, chunks, "every chunk exactly once");
    }

    @Test
    void inputRequiredSurfacesAndTheReplyResumesTheSameDownstreamTask() {
        JsonNode asked = send(Rpc.message("ask: the first part", "echo"));
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.path("status").path("state").asText());
        assertEquals("ROLE_AGENT", asked.path("status").path("message").path("role").asText());
        String id = asked.path("id").asText();
        String context = asked.path("contextId").asText();

        JsonNode mismatch = Rpc.call("/a2a", "SendMessage", Rpc.send(with(with(Rpc.message("x", null), "taskId", id),
                "contextId", "another-context"))).path("error");
        assertEquals(-32602, mismatch.path("code").asInt());

        JsonNode done = send(with(with(Rpc.message("the second part", null), "taskId", id), "contextId", context));
        assertEquals(id, done.path("id").asText());
        assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText());
        String text = Rpc.artifactText(done);
        assertTrue(text.contains("the first part") && text.contains("the second part"), text);

        JsonNode terminal = Rpc.call("/a2a", "SendMessage", Rpc.send(with(Rpc.message("more", null), "taskId", id)))
                .path("error");
        assertEquals(-32004, terminal.path("code").asInt());
        assertTrue(terminal.path("message").asText().contains("TASK_STATE_COMPLETED"));
    }

    @Test
    void cancelReachesTheAgent() {
        Map<String, Object> message = Rpc.message("delay:10000", "slow");
        JsonNode task = send(message, Map.of("returnImmediately", true));
        String id = task.path("id").asText();
        // Cancel once the agent is working on it: its first event tells the orchestrator the agent's task id.
        Rpc.awaitEvent(id, "TASK_STATE_WORKING");
        JsonNode canceled = awaitCancel(id);
        A2aSchema.assertValid("Task", canceled);
        assertEquals("TASK_STATE_CANCELED", canceled.path("status").path("state").asText());

        // At the agent's side: its own task for our message is canceled too.
        JsonNode agentTasks = Rpc.call("/demo/slow/a2a", "ListTasks", Map.of("pageSize", 100)).path("result").path("tasks");
        JsonNode mine = null;
        for (JsonNode t : agentTasks) {
            for (JsonNode m : t.path("history")) {
                if (message.get("messageId").equals(m.path("messageId").asText())) {
                    mine = t;
                }
            }
        }
        assertNotNull(mine, "the slow agent received our message: " + agentTasks);
        assertEquals("TASK_STATE_CANCELED", mine.path("status").path("state").asText());

        JsonNode again = Rpc.call("/a2a", "CancelTask", Map.of("id", id)).path("error");
        assertEquals(-32002, again.path("code").asInt());
    }

    private static JsonNode awaitCancel(String id) {
        JsonNode response = Rpc.call("/a2a", "CancelTask", Map.of("id", id));
        assertFalse(response.has("error"), response.toString());
        return response.path("result");
    }

    @Test
    void listTasksFiltersAndPages() {
        String context = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(send(with(Rpc.message("n" + i, "echo"), "contextId", context)).path("id").asText());
        }
        Set<String> seen = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            Map<String, Object> params = new HashMap<>(Map.of("contextId", context, "pageSize", 2));
            if (!token.isEmpty()) {
                params.put("pageToken", token);
            }
            JsonNode result = Rpc.call("/a2a", "ListTasks", params).path("result");
            A2aSchema.assertValid("List Tasks Response", result);
            assertEquals(3, result.path("totalSize").asInt());
            for (JsonNode t : result.path("tasks")) {
                assertFalse(t.has("artifacts"), "artifacts only when asked for");
                seen.add(t.path("id").asText());
            }
            assertTrue(result.has("nextPageToken"), "nextPageToken is always present");
            token = result.path("nextPageToken").asText();
            pages++;
        } while (!token.isEmpty() && pages < 5);
        assertEquals(2, pages);
        assertEquals(Set.copyOf(ids), seen);

        JsonNode completed = Rpc.call("/a2a", "ListTasks", Map.of("contextId", context, "status", "TASK_STATE_COMPLETED",
                "includeArtifacts", true, "historyLength", 1)).path("result");
        assertEquals(3, completed.path("tasks").size());
        assertTrue(completed.path("tasks").get(0).has("artifacts"));
        assertEquals(1, completed.path("tasks").get(0).path("history").size());
        JsonNode none = Rpc.call("/a2a", "ListTasks", Map.of("contextId", context, "status", "TASK_STATE_WORKING")).path("result");
        assertEquals(0, none.path("tasks").size());
        assertEquals("", none.path("nextPageToken").asText());

        JsonNode badToken = Rpc.call("/a2a", "ListTasks", Map.of("pageToken", "%%%")).path("error");
        assertEquals(-32602, badToken.path("code").asInt());
    }

    @Test
    void malformedAgentAnswerIsInvalidAgentResponse() {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("fail:malformed", "flaky")));
        JsonNode error = response.path("error");
        assertEquals(-32006, error.path("code").asInt(), response.toString());
        A2aSchema.assertValidJsonRpcError(response);
        String taskId = error.path("data").get(0).path("metadata").path("taskId").asText();
        JsonNode task = Rpc.call("/a2a", "GetTask", Map.of("id", taskId)).path("result");
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText());
        assertTrue(task.path("status").path("message").path("parts").get(0).path("text").asText().contains("flaky"));
    }

    @jakarta.inject.Inject
    io.omniforge.store.Db db;

    @Test
    void aBlockingCallerWhoseTaskCannotBeStoredGetsTheErrorAtOnce() {
        // The store refuses the task's final state (a trigger, in SQLite's syntax): the run leaves without an end,
        // and the blocking caller, who waits for the end of the turn, reads the task's log instead and reports why.
        io.omniforge.support.Sql.whileSqliteRefuses(db, "refuse_unfinished",
                "BEFORE UPDATE ON tasks WHEN NEW.context_id LIKE 'unfinished-%'"
                        + " AND NEW.state = 'TASK_STATE_COMPLETED'", () -> {
            Map<String, Object> message = with(Rpc.message("hello", "echo"), "contextId", "unfinished-" + UUID.randomUUID());
            long start = System.nanoTime();
            JsonNode response = Rpc.call("/a2a", "SendMessage", Rpc.send(message));
            long ms = (System.nanoTime() - start) / 1_000_000;
            A2aSchema.assertValidJsonRpcError(response);
            assertEquals(-32603, response.path("error").path("code").asInt(), response.toString());
            assertTrue(response.path("error").path("message").asText().contains("could not be stored"), response.toString());
            assertTrue(ms < 10_000, "the error came after " + ms + " ms, not at once");
        });
    }

    @Test
    void aMessageWhoseTaskCannotBeCreatedAnswersTheErrorAndCancelsTheAgentsTask() {
        // The agent is called while the task's creation commits; a creation that fails must not leave the agent
        // working for nobody. A trigger (SQLite's syntax) makes the store refuse this one thread's task.
        io.omniforge.support.Sql.whileSqliteRefuses(db, "refuse_uncreated",
                "BEFORE INSERT ON tasks WHEN NEW.context_id LIKE 'uncreated-%'", () -> {
            String marker = "uncreated-run-" + UUID.randomUUID();
            String context = "uncreated-" + UUID.randomUUID();
            JsonNode response = Rpc.call("/a2a", "SendMessage",
                    Rpc.send(with(Rpc.message("delay:5000 " + marker, "slow"), "contextId", context)));
            A2aSchema.assertValidJsonRpcError(response);
            assertEquals(-32603, response.path("error").path("code").asInt(), "a store failure is an internal error: " + response);
            // Nothing of it was stored: no task, no message in the thread.
            assertEquals(0, Rpc.call("/a2a", "ListTasks", Map.of("contextId", context)).path("result").path("totalSize").asInt());
            // The slow agent's task was canceled there (or never started).
            assertFalse(Rpc.stillRuns("slow", marker, 3_000),
                    "the slow agent still runs the task of a message whose task could not be created");
        });
    }

    @Test
    void agentErrorFailsTheTaskAndSaysWhy() {
        JsonNode task = send(Rpc.message("fail:error", "flaky"));
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText());
        String why = task.path("status").path("message").path("parts").get(0).path("text").asText();
        assertTrue(why.contains("flaky") && why.contains("-32603"), why);
    }

    @Test
    void brokenAgentStreamFailsTheTaskInsteadOfHanging() {
        List<Event> events = stream("SendStreamingMessage", Rpc.send(Rpc.message("fail:break-stream", "flaky")), Map.of());
        JsonNode last = events.get(events.size() - 1).data().path("result");
        assertEquals("TASK_STATE_FAILED", last.path("statusUpdate").path("status").path("state").asText(), last.toString());
    }

    @Test
    void runtimeRegistrationOfAnAgent() {
        String base = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().extract().path("supportedInterfaces[0].url")
                .toString().replace("/a2a", "");
        String name = "echo-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").body(Map.of("name", name, "url", base + "/demo/echo"))
                .post("/api/v1/agents").then().statusCode(201)
                .body("state", org.hamcrest.Matchers.equalTo("READY"))
                .body("card.name", org.hamcrest.Matchers.notNullValue());
        given().contentType("application/json").body(Map.of("name", name, "url", base + "/demo/echo"))
                .post("/api/v1/agents").then().statusCode(409);
        JsonNode task = send(Rpc.message("via a registered agent", name));
        assertEquals("echo: via a registered agent", Rpc.artifactText(task));
        assertTrue(given().get("/api/v1/agents").then().statusCode(200).extract().asString().contains(name));

        given().delete("/api/v1/agents/" + name).then().statusCode(204);
        given().delete("/api/v1/agents/" + name).then().statusCode(404);
        given().delete("/api/v1/agents/echo").then().statusCode(409);
        JsonNode gone = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("hi", name))).path("error");
        assertEquals(-32602, gone.path("code").asInt());

        given().contentType("application/json").body(Map.of("name", "nocard", "url", "http://127.0.0.1:1"))
                .post("/api/v1/agents").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("no valid agent card"));
        given().contentType("application/json").body(Map.of("name", "Bad Name!", "url", base))
                .post("/api/v1/agents").then().statusCode(400);
        given().contentType("application/json").body(Map.of("name", "ftp", "url", "ftp://example.com"))
                .post("/api/v1/agents").then().statusCode(400);
        given().contentType("application/json").body("{not json").post("/api/v1/agents").then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo(400));
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyAnswerUsesTheOrchestratorsIds() {
        JsonNode task = send(Rpc.message("ids", "echo"));
        String upstreamId = task.path("id").asText();
        JsonNode agentTasks = Rpc.call("/demo/echo/a2a", "ListTasks", Map.of("pageSize", 100)).path("result").path("tasks");
        for (JsonNode t : agentTasks) {
            assertNotEquals(upstreamId, t.path("id").asText(), "the agent's task id never leaks upstream");
        }
    }

    @Test
    void subscribersOfOneTaskSeeTheSameEventsInTheSameOrder() throws Exception {
        // A task that waits for input: both subscribers are connected before anything more happens.
        JsonNode asked = send(Rpc.message("ask: watch this", "echo"));
        String id = asked.path("id").asText();
        try (Rpc.LiveStream a = Rpc.subscribe(id); Rpc.LiveStream b = Rpc.subscribe(id)) {
            assertTrue(a.next().path("result").has("task"));
            assertTrue(b.next().path("result").has("task"));
            JsonNode done = send(with(with(Rpc.message("and this", null), "taskId", id), "contextId",
                    asked.path("contextId").asText()));
            assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText());
            List<Event> first = a.rest();
            List<Event> second = b.rest();
            assertTrue(first.size() >= 3, "WORKING, the artifact and COMPLETED: " + first);
            assertEquals(first.stream().map(Event::id).toList(), second.stream().map(Event::id).toList());
            assertEquals(first.stream().map(e -> e.data().path("result").toString()).toList(),
                    second.stream().map(e -> e.data().path("result").toString()).toList());
            JsonNode last = first.get(first.size() - 1).data().path("result");
            assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());
        }
    }

    @Test
    void aClientThatGoesAwayDoesNotStopTheTask() {
        JsonNode task = send(Rpc.message("delay:800", "slow"), Map.of("returnImmediately", true));
        String id = task.path("id").asText();
        Rpc.awaitEvent(id, "TASK_STATE_WORKING"); // reads until WORKING, then hangs up
        List<Event> rest = stream("SubscribeToTask", Map.of("id", id), Map.of("Last-Event-ID", "1"));
        JsonNode last = rest.get(rest.size() - 1).data().path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());
    }

    @Test
    void registeringSomethingThatIsNotAnAgentIsRefused() {
        String base = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().extract().path("supportedInterfaces[0].url")
                .toString().replace("/a2a", "");
        given().contentType("application/json").body(Map.of("name", "health", "url", base + "/q/health"))
                .post("/api/v1/agents").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("HTTP 404"));
    }
}
