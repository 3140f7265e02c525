package io.omniforge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JS peers against each other, all real: @a2a-js/sdk 0.3.14's client and agent, ADK's toA2a agent and its
 * RemoteA2AAgent, @a2a-js/sdk 1.3.0's REST client and REST-only agent. Proves the harness the gateway's tests use
 * (NodePeers and the scripts' behaviours and output); skipped without node on the PATH.
 */
class NodePeersTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NodePeers.Agent a2a03;
    private static NodePeers.Agent adk;
    private static NodePeers.Agent rest10;

    @BeforeAll
    static void startAgents() {
        if (!NodePeers.available()) {
            return; // each test is skipped by needsNode(), saying why
        }
        a2a03 = NodePeers.start("agent03.mjs", "--name", "alpha", "--log-requests");
        adk = NodePeers.start("agent-adk.mjs");
        rest10 = NodePeers.start("agent-rest10.mjs", "--name", "beta");
    }

    @BeforeEach
    void needsNode() {
        NodePeers.nodeOrAbort();
    }

    @AfterAll
    static void stopAgents() {
        for (NodePeers.Agent agent : new NodePeers.Agent[] {a2a03, adk, rest10}) {
            if (agent != null) {
                agent.close();
            }
        }
    }

    // --- client03 -> agent03 (A2A 0.3, JSON-RPC)

    @Test
    void client03SendsToAgent03AndGetsACompletedTask() {
        JsonNode task = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", "hello"));
        assertEquals("task", task.path("kind").asText(), task.toString());
        assertEquals("completed", task.at("/status/state").asText());
        assertEquals("alpha echo: hello", task.at("/artifacts/0/parts/0/text").asText());
        assertEquals("hello", task.at("/history/0/parts/0/text").asText());

        JsonNode got = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "get", task.get("id").asText()));
        assertEquals(task.get("id"), got.get("id"));
        assertEquals("completed", got.at("/status/state").asText());
        assertEquals("alpha echo: hello", got.at("/artifacts/0/parts/0/text").asText());
    }

    @Test
    void client03StreamsFromAgent03() {
        List<JsonNode> events = NodePeers.run("client03.mjs", a2a03.cardUrl(), "stream", "stream me please");
        assertEquals(List.of("task", "status-update", "artifact-update", "artifact-update", "status-update"),
                kinds(events), events.toString());
        assertEquals("submitted", events.get(0).at("/status/state").asText());
        assertEquals("working", events.get(1).at("/status/state").asText());
        assertFalse(events.get(1).path("final").asBoolean());
        assertFalse(events.get(2).path("append").asBoolean());
        assertTrue(events.get(3).path("append").asBoolean());
        assertTrue(events.get(3).path("lastChunk").asBoolean());
        assertEquals("alpha echo: stream me please", events.get(2).at("/artifact/parts/0/text").asText()
                + events.get(3).at("/artifact/parts/0/text").asText());
        assertEquals("completed", events.get(4).at("/status/state").asText());
        assertTrue(events.get(4).path("final").asBoolean());
        String taskId = events.get(0).get("id").asText();
        events.subList(1, 5).forEach(e -> assertEquals(taskId, e.path("taskId").asText()));
    }

    @Test
    void agent03AsksAndTheReplyOnTheSameTaskCompletesIt() {
        JsonNode asked = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", "ask me something"));
        assertEquals("input-required", asked.at("/status/state").asText(), asked.toString());
        assertEquals("agent", asked.at("/status/message/role").asText());
        assertTrue(asked.at("/status/message/parts/0/text").asText().startsWith("alpha asks:"));

        JsonNode done = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send-reply",
                asked.get("id").asText(), asked.get("contextId").asText(), "blue"));
        assertEquals(asked.get("id"), done.get("id"));
        assertEquals("completed", done.at("/status/state").asText(), done.toString());
        assertEquals("alpha got: blue", done.at("/artifacts/0/parts/0/text").asText());
    }

    @Test
    void agent03AnswersWithAMessageOrFails() {
        JsonNode message = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", "a message please"));
        assertEquals("message", message.path("kind").asText(), message.toString());
        assertEquals("agent", message.path("role").asText());
        assertEquals("alpha echo: a message please", message.at("/parts/0/text").asText());
        assertTrue(message.path("taskId").isMissingNode());

        JsonNode failed = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", "fail now"));
        assertEquals("failed", failed.at("/status/state").asText(), failed.toString());
        assertEquals("alpha failed: fail now", failed.at("/status/message/parts/0/text").asText());
    }

    @Test
    void aSlowTaskOfAgent03IsCanceledWhileItsStreamIsOpen() {
        try (NodePeers.Client stream = NodePeers.launch("client03.mjs", a2a03.cardUrl(), "stream", "be slow")) {
            JsonNode task = stream.next(WAIT);
            assertEquals("task", task.path("kind").asText(), task.toString());
            String taskId = task.get("id").asText();
            // working at once, then one working update every 200 ms
            assertEquals("working", stream.next(WAIT).at("/status/state").asText());
            assertEquals("working", stream.next(WAIT).at("/status/state").asText());

            JsonNode canceled = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "cancel", taskId));
            assertEquals("canceled", canceled.at("/status/state").asText(), canceled.toString());

            List<JsonNode> all = stream.awaitExit(WAIT);
            JsonNode last = all.get(all.size() - 1);
            assertEquals("canceled", last.at("/status/state").asText(), all.toString());
            assertTrue(last.path("final").asBoolean());
        }
    }

    @Test
    void aNonBlockingSlowTaskCanBeReadAndCanceledAndThenNotCanceledAgain() {
        JsonNode task = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", "slow please", "--non-blocking"));
        String taskId = task.get("id").asText();
        assertTrue(List.of("submitted", "working").contains(task.at("/status/state").asText()), task.toString());

        assertEquals("working", single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "get", taskId))
                .at("/status/state").asText());
        assertEquals("canceled", single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "cancel", taskId))
                .at("/status/state").asText());
        assertEquals("canceled", single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "get", taskId))
                .at("/status/state").asText());

        JsonNode again = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "cancel", taskId));
        assertEquals(-32002, again.at("/error/code").asInt(), again.toString());
    }

    @Test
    void anUnknownTaskIsTheSdksTaskNotFoundError() {
        JsonNode error = single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "get", "no-such-task"));
        assertEquals(-32001, error.at("/error/code").asInt(), error.toString());
        assertEquals("TaskNotFoundError", error.at("/error/name").asText());
        assertEquals("Task not found: no-such-task", error.at("/error/rpcError/message").asText());
    }

    @Test
    void headersReachTheAgentWhichLogsWhatItReceived() {
        String text = "with a header " + System.nanoTime();
        single(NodePeers.run("client03.mjs", a2a03.cardUrl(), "send", text,
                "--header", "Authorization: Bearer test-key", "--header", "X-Trace: 42"));
        JsonNode request = a2a03.awaitRequest(r -> text.equals(r.at("/body/params/message/parts/0/text").asText()),
                WAIT);
        assertEquals("/a2a/jsonrpc", request.path("path").asText());
        assertEquals("message/send", request.at("/body/method").asText());
        assertEquals("Bearer test-key", request.at("/headers/authorization").asText());
        assertEquals("42", request.at("/headers/x-trace").asText());
        assertTrue(request.at("/headers/a2a-version").isMissingNode(), "a 0.3 client sends no A2A-Version");
        // the card was fetched with the headers too
        assertTrue(a2a03.requests().stream().anyMatch(r -> r.path("path").asText().endsWith("agent-card.json")
                && "Bearer test-key".equals(r.at("/headers/authorization").asText())));
    }

    @Test
    void withAcceptHandoffsTheCardDeclaresTheHandoffExtension() throws Exception {
        try (NodePeers.Agent target = NodePeers.start("agent03.mjs", "--name", "billing", "--accept-handoffs")) {
            JsonNode card = fetchJson(target.cardUrl());
            assertEquals("billing", card.path("name").asText());
            assertEquals("0.3.0", card.path("protocolVersion").asText());
            assertEquals(target.baseUrl() + "/a2a/jsonrpc", card.path("url").asText());
            assertTrue(card.at("/capabilities/streaming").asBoolean());
            JsonNode extension = card.at("/capabilities/extensions/0");
            assertEquals("urn:omniforge:a2a:handoff:v1", extension.path("uri").asText(), card.toString());
            assertTrue(extension.at("/params/accepts").asBoolean());
            assertEquals("transcript", extension.at("/params/context").asText());
        }
        assertTrue(fetchJson(a2a03.cardUrl()).at("/capabilities/extensions").isMissingNode(),
                "without the option the card declares no extension");
    }

    // --- client03 -> agent-adk (ADK toA2a, A2A 0.3)

    @Test
    void client03SendsToTheAdkAgent() {
        JsonNode task = single(NodePeers.run("client03.mjs", adk.cardUrl(), "send", "hi adk"));
        assertEquals("task", task.path("kind").asText(), task.toString());
        assertEquals("completed", task.at("/status/state").asText());
        assertEquals("adk echo: hi adk", task.at("/artifacts/0/parts/0/text").asText());
    }

    @Test
    void client03StreamsFromTheAdkAgent() {
        List<JsonNode> events = NodePeers.run("client03.mjs", adk.cardUrl(), "stream", "stream adk");
        assertEquals(List.of("task", "status-update", "artifact-update", "status-update"), kinds(events),
                events.toString());
        assertEquals("working", events.get(1).at("/status/state").asText());
        assertEquals("adk echo: stream adk", events.get(2).at("/artifact/parts/0/text").asText());
        assertEquals("completed", events.get(3).at("/status/state").asText());
        assertTrue(events.get(3).path("final").asBoolean());
    }

    // --- client-adk (RemoteA2AAgent) -> agent03

    @Test
    void adksRemoteA2aAgentGetsAgent03sAnswer() {
        List<JsonNode> lines = NodePeers.run("client-adk.mjs", a2a03.cardUrl(), "from adk");
        JsonNode last = lines.get(lines.size() - 1);
        assertEquals("alpha echo: from adk", last.path("finalText").asText(), lines.toString());
        assertTrue(last.path("errorMessage").isMissingNode());
        assertTrue(lines.stream().anyMatch(l -> l.has("event")
                && "remote".equals(l.at("/event/author").asText())), lines.toString());
        assertTrue(a2a03.requests().stream().anyMatch(r -> "message/stream".equals(r.at("/body/method").asText())
                && "from adk".equals(r.at("/body/params/message/parts/0/text").asText())),
                "ADK streams the user's text to the agent");
    }

    // --- client-rest13 -> agent-rest10 (A2A 1.0, HTTP+JSON)

    @Test
    void clientRest13SendsStreamsAndGetsFromTheRestAgent() {
        JsonNode sent = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "send", "hello rest"));
        JsonNode task = sent.path("task");
        assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), sent.toString());
        assertEquals("beta echo: hello rest", task.at("/artifacts/0/parts/0/text").asText());
        assertEquals("ROLE_USER", task.at("/history/0/role").asText());

        JsonNode got = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "get", task.get("id").asText()));
        assertEquals(task.get("id"), got.get("id"));
        assertEquals("TASK_STATE_COMPLETED", got.at("/status/state").asText());

        List<JsonNode> events = NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "stream", "stream rest");
        assertEquals(List.of("task", "statusUpdate", "artifactUpdate", "artifactUpdate", "statusUpdate"),
                events.stream().map(e -> e.fieldNames().next()).toList(), events.toString());
        assertEquals("TASK_STATE_WORKING", events.get(1).at("/statusUpdate/status/state").asText());
        assertEquals("beta echo: stream rest", events.get(2).at("/artifactUpdate/artifact/parts/0/text").asText()
                + events.get(3).at("/artifactUpdate/artifact/parts/0/text").asText());
        assertTrue(events.get(3).at("/artifactUpdate/append").asBoolean());
        assertEquals("TASK_STATE_COMPLETED", events.get(4).at("/statusUpdate/status/state").asText());
    }

    @Test
    void theRestAgentAsksIsCanceledAndAnswersErrorsTheRestWay() {
        JsonNode asked = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "send", "ask me")).path("task");
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.at("/status/state").asText(), asked.toString());
        JsonNode done = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "send-reply",
                asked.get("id").asText(), asked.get("contextId").asText(), "green")).path("task");
        assertEquals("TASK_STATE_COMPLETED", done.at("/status/state").asText(), done.toString());
        assertEquals("beta got: green", done.at("/artifacts/0/parts/0/text").asText());

        JsonNode slow = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "send", "slow", "--non-blocking"))
                .path("task");
        JsonNode canceled = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "cancel",
                slow.get("id").asText()));
        assertEquals("TASK_STATE_CANCELED", canceled.at("/status/state").asText(), canceled.toString());

        JsonNode error = single(NodePeers.run("client-rest13.mjs", rest10.cardUrl(), "get", "no-such-task"));
        assertEquals("TASK_NOT_FOUND", error.at("/error/reason").asText(), error.toString());
        assertEquals(404, error.at("/error/statusCode").asInt());
    }

    @Test
    void theRestAgentsCardListsOnlyTheHttpJsonInterfaceWhichA03ClientCannotUse() throws Exception {
        JsonNode card = fetchJson(rest10.cardUrl());
        JsonNode interfaces = card.path("supportedInterfaces");
        assertEquals(1, interfaces.size(), card.toString());
        assertEquals("HTTP+JSON", interfaces.at("/0/protocolBinding").asText());
        assertEquals("1.0", interfaces.at("/0/protocolVersion").asText());
        assertEquals(rest10.baseUrl() + "/a2a/rest", interfaces.at("/0/url").asText());
        assertTrue(card.path("url").isMissingNode());

        JsonNode error = single(NodePeers.run("client03.mjs", rest10.cardUrl(), "send", "hello"));
        assertTrue(error.at("/error/message").asText().contains("No compatible transport"), error.toString());
    }

    // --- helpers

    private static JsonNode single(List<JsonNode> lines) {
        assertEquals(1, lines.size(), "expected one JSON line: " + lines);
        return lines.get(0);
    }

    private static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> e.path("kind").asText()).collect(Collectors.toList());
    }

    private static JsonNode fetchJson(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
