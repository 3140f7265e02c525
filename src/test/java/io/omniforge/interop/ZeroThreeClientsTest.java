package io.omniforge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.v03.A2aSchema03;
import io.omniforge.support.NodePeers;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway from the side of the A2A 0.3 clients people run: @a2a-js/sdk 0.3.14's ClientFactory (which finds its
 * transport in the gateway's card and sends no A2A-Version) and Google ADK's RemoteA2AAgent, as real Node.js
 * processes (see docs/TESTING.md). Skipped, saying so, where node is not installed.
 */
@QuarkusTest
class ZeroThreeClientsTest {

    @BeforeEach
    void node() {
        NodePeers.nodeOrAbort();
    }

    private static String gateway(String path) {
        return "http://localhost:" + RestAssured.port + path;
    }

    private static String agentMetadata(String agent) {
        return "{\"" + Rpc.AGENT_KEY + "\":{\"agent\":\"" + agent + "\"}}";
    }

    private static void valid03(String definition, JsonNode payload) {
        if (A2aSchema03.available()) {
            A2aSchema03.assertValid(definition, payload);
        }
    }

    private static JsonNode only(List<JsonNode> lines) {
        assertEquals(1, lines.size(), "one line: " + lines);
        assertFalse(lines.get(0).has("error"), "the client failed: " + lines.get(0));
        return lines.get(0);
    }

    @Test
    void theSdkClientSendsGetsAndStreamsThroughAFlow() {
        String card = gateway("/flows/pipeline/.well-known/agent-card.json");
        JsonNode task = only(NodePeers.run("client03.mjs", card, "send", "hi"));
        assertEquals("task", task.get("kind").asText(), task.toString());
        assertEquals("completed", task.at("/status/state").asText(), task.toString());
        assertTrue(task.toString().contains("echo: echo: hi"), task.toString());
        valid03("Task", task);

        JsonNode got = only(NodePeers.run("client03.mjs", card, "get", task.get("id").asText()));
        assertEquals("completed", got.at("/status/state").asText());
        assertEquals(task.get("id"), got.get("id"));

        List<JsonNode> events = NodePeers.run("client03.mjs", card, "stream", "hi");
        assertEquals("task", events.get(0).get("kind").asText(), events.toString());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("status-update", last.get("kind").asText(), events.toString());
        assertEquals("completed", last.at("/status/state").asText());
        assertTrue(last.get("final").asBoolean());
        for (JsonNode e : events) {
            valid03(switch (e.get("kind").asText()) {
                case "task" -> "Task";
                case "status-update" -> "TaskStatusUpdateEvent";
                case "artifact-update" -> "TaskArtifactUpdateEvent";
                default -> "Message";
            }, e);
        }
    }

    @Test
    void theSdkClientCancelsAndAnswersInputRequired() {
        String card = gateway("/.well-known/agent-card.json");
        JsonNode running = only(NodePeers.run("client03.mjs", card, "send", "delay:60000", "--non-blocking",
                "--metadata", agentMetadata("slow")));
        assertFalse(List.of("completed", "failed", "canceled").contains(running.at("/status/state").asText()),
                running.toString());
        JsonNode canceled = only(NodePeers.run("client03.mjs", card, "cancel", running.get("id").asText()));
        assertEquals("canceled", canceled.at("/status/state").asText(), canceled.toString());

        JsonNode asked = only(NodePeers.run("client03.mjs", card, "send", "ask: a fruit", "--metadata",
                agentMetadata("echo")));
        assertEquals("input-required", asked.at("/status/state").asText(), asked.toString());
        JsonNode answered = only(NodePeers.run("client03.mjs", card, "send-reply", asked.get("id").asText(),
                asked.get("contextId").asText(), "banana"));
        assertEquals("completed", answered.at("/status/state").asText(), answered.toString());
        assertEquals(asked.get("id"), answered.get("id"));
        assertTrue(answered.toString().contains("banana"), answered.toString());
    }

    @Test
    void aTaskTheGatewayDoesNotHaveIsTaskNotFoundForTheClient() {
        JsonNode error = NodePeers.run("client03.mjs", gateway("/.well-known/agent-card.json"), "get", "no-such-task").get(0);
        assertTrue(error.has("error"), error.toString());
        assertEquals(-32001, error.at("/error/code").asInt(), error.toString());
    }

    @Test
    void adksRemoteAgentGetsItsAnswer() {
        List<JsonNode> lines = NodePeers.run("client-adk.mjs", gateway("/flows/pipeline/.well-known/agent-card.json"),
                "hello from adk");
        JsonNode last = lines.get(lines.size() - 1);
        assertFalse(last.hasNonNull("errorMessage"), lines.toString());
        // ADK turns each artifact into an event of its own (its final text is the task's closing status message).
        assertTrue(lines.stream().anyMatch(l -> l.at("/event/content/parts/0/text").asText()
                .equals("echo: echo: hello from adk")), lines.toString());
        assertEquals("flow:pipeline: 2 of 2 agents succeeded", last.path("finalText").asText(), lines.toString());
    }
}
