package io.omniforge.interop;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.Task;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentTarget;
import io.omniforge.support.NodePeers;
import io.omniforge.support.Rpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's own A2A endpoint ({@code /a2a}) and management API, as the tests of real agents behind it use them:
 * every answer the gateway gives is checked against the A2A 1.0 schema.
 */
final class Gateway {

    static final Duration WAIT = Duration.ofSeconds(20);

    private Gateway() {
    }

    /** Registers an agent by its base URL (idempotent within a JVM: 409 for one already there is fine). */
    static void register(String name, String url) {
        int status = given().contentType("application/json").body(Map.of("name", name, "url", url))
                .post("/api/v1/agents").then().extract().statusCode();
        assertTrue(status == 201 || status == 409, "registering " + name + " at " + url + " answered " + status);
    }

    /** The agent as {@code GET /api/v1/agents} lists it. */
    static JsonNode listed(String name) {
        for (JsonNode agent : Rpc.read(given().get("/api/v1/agents").then().statusCode(200).extract().asString())) {
            if (name.equals(agent.path("name").asText())) {
                return agent;
            }
        }
        throw new AssertionError("GET /api/v1/agents does not list " + name);
    }

    /** Checks the interface the registry calls an agent at. */
    static void assertInterface(String name, String url, String binding, String version) {
        JsonNode agent = listed(name);
        assertEquals("READY", agent.path("state").asText(), agent.toString());
        JsonNode endpoint = agent.path("interface");
        assertEquals(url, endpoint.path("url").asText(), agent.toString());
        assertEquals(binding, endpoint.path("protocolBinding").asText(), agent.toString());
        assertEquals(version, endpoint.path("protocolVersion").asText(), agent.toString());
    }

    /** A user message with text (and more parts, if given), addressed to an agent. */
    @SafeVarargs
    static Map<String, Object> message(String text, String agent, Map<String, Object>... moreParts) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, agent));
        if (moreParts.length > 0) {
            List<Object> parts = new ArrayList<>((List<?>) m.get("parts"));
            parts.addAll(List.of(moreParts));
            m.put("parts", parts);
        }
        return m;
    }

    /** A reply on a task (to the task's agent: no agent named). */
    static Map<String, Object> reply(String text, JsonNode task) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("taskId", task.path("id").asText());
        m.put("contextId", task.path("contextId").asText());
        return m;
    }

    /** SendMessage: the result ({@code {"task":...}} or {@code {"message":...}}). */
    static JsonNode send(Map<String, Object> message, Map<String, Object> configuration) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("message", message);
        if (configuration != null) {
            params.put("configuration", configuration);
        }
        JsonNode response = Rpc.call("/a2a", "SendMessage", params);
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.get("result");
    }

    /** SendMessage, blocking: the task it answers with. */
    static JsonNode task(Map<String, Object> message) {
        JsonNode result = send(message, null);
        assertTrue(result.has("task"), result.toString());
        return result.get("task");
    }

    /** SendStreamingMessage to its end: each event's result (a StreamResponse). */
    static List<JsonNode> stream(Map<String, Object> message) {
        String body = given().contentType("application/json").header("A2A-Version", "1.0")
                .body(Rpc.request("SendStreamingMessage", Map.of("message", message))).post("/a2a").then()
                .statusCode(200).contentType("text/event-stream").extract().asString();
        List<JsonNode> events = new ArrayList<>();
        for (Rpc.Event e : Rpc.events(body)) {
            assertFalse(e.data().has("error"), e.data().toString());
            A2aSchema.assertValid("Stream Response", e.data().get("result"));
            events.add(e.data().get("result"));
        }
        assertTrue(events.get(0).has("task"), "the first event is the Task: " + events);
        return events;
    }

    /** The state the last event of a stream leaves the task in. */
    static String lastState(List<JsonNode> events) {
        JsonNode last = events.get(events.size() - 1);
        return last.has("task") ? last.at("/task/status/state").asText() : last.at("/statusUpdate/status/state").asText();
    }

    static JsonNode get(String taskId) {
        JsonNode response = Rpc.call("/a2a", "GetTask", Map.of("id", taskId));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Task", response.get("result"));
        return response.get("result");
    }

    static JsonNode cancel(String taskId) {
        JsonNode response = Rpc.call("/a2a", "CancelTask", Map.of("id", taskId));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Task", response.get("result"));
        return response.get("result");
    }

    static String state(JsonNode task) {
        return task.path("status").path("state").asText();
    }

    /** The text of the task's status message. */
    static String said(JsonNode task) {
        StringBuilder sb = new StringBuilder();
        task.path("status").path("message").path("parts").forEach(p -> sb.append(p.path("text").asText("")));
        return sb.toString();
    }

    /**
     * The first request the agent received with this JSON-RPC method whose body mentions {@code marker} (null: any),
     * waiting for it (agents started with --log-requests).
     */
    static JsonNode received(NodePeers.Agent agent, String method, String marker) {
        return agent.awaitRequest(r -> method.equals(r.path("body").path("method").asText())
                && (marker == null || r.path("body").toString().contains(marker)), WAIT);
    }

    /** The same for an HTTP+JSON agent: by HTTP method and the end of the path. */
    static JsonNode receivedAt(NodePeers.Agent agent, String httpMethod, String pathEnd, String marker) {
        return agent.awaitRequest(r -> httpMethod.equals(r.path("method").asText())
                && r.path("path").asText().endsWith(pathEnd)
                && (marker == null || r.path("body").toString().contains(marker)), WAIT);
    }

    /**
     * What the scripts agent03.mjs and agent-rest10.mjs (both keyword agents, see docs/TESTING.md) answer through the
     * gateway: a blocking send and its GetTask, a streamed one, {@code message} as a Message, {@code fail} as a failed
     * task. {@code name} is the agent's own (its --name), {@code text} what the blocking send says.
     */
    static void assertKeywordAgent(String agent, String name, String text) {
        JsonNode task = task(message(text, agent));
        assertEquals("TASK_STATE_COMPLETED", state(task), task.toString());
        assertEquals(name + " echo: " + text, Rpc.artifactText(task));
        assertEquals(name + " echo: " + text, Rpc.artifactText(get(task.path("id").asText())));

        List<JsonNode> events = stream(message("stream this", agent));
        assertEquals("TASK_STATE_COMPLETED", lastState(events), events.toString());
        assertTrue(events.stream().filter(e -> e.has("artifactUpdate")).count() >= 2, "two chunks: " + events);
        assertEquals(name + " echo: stream this", Rpc.artifactText(get(events.get(0).at("/task/id").asText())));

        JsonNode direct = send(message("message me", agent), null);
        assertEquals(name + " echo: message me", direct.at("/message/parts/0/text").asText(), direct.toString());

        JsonNode failed = task(message("fail please", agent));
        assertEquals("TASK_STATE_FAILED", state(failed), failed.toString());
        assertTrue(said(failed).contains(name + " failed: fail please"), failed.toString());
    }

    /**
     * Starts a slow task without waiting for it, follows it with SubscribeToTask until the agent has said something
     * more, cancels it there and then, and checks that the stream ends CANCELED. Returns the task's id.
     */
    static String cancelWhileSubscribed(String text, String agent) {
        String id = send(message(text, agent), Map.of("returnImmediately", true)).at("/task/id").asText();
        try (Rpc.LiveStream stream = Rpc.subscribe(id)) {
            assertEquals(id, stream.next().at("/result/task/id").asText());
            JsonNode next = stream.next().path("result");
            assertTrue(next.has("statusUpdate") || next.has("artifactUpdate"), next.toString());
            assertEquals("TASK_STATE_CANCELED", state(cancel(id)));
            List<Rpc.Event> rest = stream.rest();
            assertEquals("TASK_STATE_CANCELED", rest.get(rest.size() - 1).data().at("/result/statusUpdate/status/state")
                    .asText(), rest.toString());
        }
        return id;
    }

    /**
     * The downstream client on its own, in the target's dialect: a blocking SendMessage (with
     * {@code returnImmediately} false, so the agent answers the finished task) and a GetTask of the agent's task,
     * both read as 1.0 objects.
     */
    static void assertSendAndGetAtTheAgent(AgentClient client, AgentTarget target, String text, String answer) {
        SendMessageResponse sent = client.sendMessage(target, SendMessageRequest.of(Message.user(UUID.randomUUID().toString(),
                text))).await().atMost(WAIT);
        Task task = sent.task();
        assertEquals("TASK_STATE_COMPLETED", task.status().state().name(), sent.toString());
        Task got = client.getTask(target, task.id()).await().atMost(WAIT);
        assertEquals(task.id(), got.id());
        assertEquals("TASK_STATE_COMPLETED", got.status().state().name(), got.toString());
        assertEquals(answer, got.artifacts().get(0).parts().get(0).text(), got.toString());
    }

    /** A parallel orchestration of these agents, blocking: the upstream task. */
    static JsonNode parallel(String text, String... agents) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of(agents))));
        return task(m);
    }

    /** The text of a synthesized task's synthesis artifact. */
    static String synthesis(JsonNode task) {
        for (JsonNode a : task.path("artifacts")) {
            if ("synthesis".equals(a.path("artifactId").asText())) {
                return a.path("parts").path(0).path("text").asText();
            }
        }
        throw new AssertionError("no synthesis in " + task);
    }

    /** The agents whose results a (synthesized) task holds, in the order they came. */
    static List<String> resultAgents(JsonNode task) {
        List<String> agents = new ArrayList<>();
        for (JsonNode a : task.path("artifacts")) {
            if (!"synthesis".equals(a.path("artifactId").asText())) {
                agents.add(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText());
            }
        }
        return agents;
    }
}
