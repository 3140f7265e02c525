package io.omniforge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.NodePeers;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway from the side of an A2A 1.0 client on the HTTP+JSON binding: @a2a-js/sdk 1.3.0's ClientFactory with only
 * its REST transport (so it must find the gateway's HTTP+JSON interface in the card), as a real Node.js process (see
 * docs/TESTING.md): send, stream, get, cancel, resubscribe and an unknown task. What it prints is the SDK's own 1.0
 * JSON, validated against the 1.0 schema. Skipped, saying so, where node is not installed.
 */
@QuarkusTest
class RestClientTest {

    private static final String CLIENT = "client-rest13.mjs";

    @BeforeEach
    void node() {
        NodePeers.nodeOrAbort();
    }

    private static String card(String path) {
        return "http://localhost:" + RestAssured.port + path + "/.well-known/agent-card.json";
    }

    private static String to(String agent) {
        return "{\"" + Rpc.AGENT_KEY + "\":{\"agent\":\"" + agent + "\"}}";
    }

    private static void valid(String definition, JsonNode payload) {
        if (A2aSchema.available()) {
            A2aSchema.assertValid(definition, payload);
        }
    }

    private static JsonNode only(List<JsonNode> lines) {
        assertEquals(1, lines.size(), "one line: " + lines);
        assertFalse(lines.get(0).has("error"), "the client failed: " + lines.get(0));
        return lines.get(0);
    }

    @Test
    void sendsGetsAndStreamsThroughAFlow() {
        String card = card("/flows/pipeline");
        JsonNode sent = only(NodePeers.run(CLIENT, card, "send", "over rest"));
        valid("Send Message Response", sent);
        JsonNode task = sent.get("task");
        assertEquals("TASK_STATE_COMPLETED", task.at("/status/state").asText(), sent.toString());
        assertTrue(task.toString().contains("echo: echo: over rest"), task.toString());

        JsonNode got = only(NodePeers.run(CLIENT, card, "get", task.get("id").asText(), "--history", "1"));
        valid("Task", got);
        assertEquals(task.get("id"), got.get("id"));

        List<JsonNode> events = NodePeers.run(CLIENT, card, "stream", "streamed");
        assertTrue(events.get(0).has("task"), events.toString());
        events.forEach(e -> valid("Stream Response", e));
        JsonNode last = events.get(events.size() - 1);
        assertEquals("TASK_STATE_COMPLETED", last.at("/statusUpdate/status/state").asText(), events.toString());
        assertTrue(events.toString().contains("echo: echo: streamed"), events.toString());
    }

    @Test
    void cancelsResubscribesAndAnswersInputRequiredAtTheOrchestrator() {
        String card = card("");
        JsonNode running = only(NodePeers.run(CLIENT, card, "send", "delay:60000", "--non-blocking",
                "--metadata", to("slow"))).get("task");
        assertFalse(running.at("/status/state").asText().matches("TASK_STATE_(COMPLETED|FAILED|CANCELED)"),
                running.toString());
        JsonNode canceled = only(NodePeers.run(CLIENT, card, "cancel", running.get("id").asText()));
        valid("Task", canceled);
        assertEquals("TASK_STATE_CANCELED", canceled.at("/status/state").asText(), canceled.toString());

        JsonNode slow = only(NodePeers.run(CLIENT, card, "send", "delay:1500", "--non-blocking", "--metadata",
                to("slow"))).get("task");
        List<JsonNode> followed = NodePeers.run(CLIENT, card, "resubscribe", slow.get("id").asText());
        assertEquals(slow.get("id"), followed.get(0).at("/task/id"), followed.toString());
        assertEquals("TASK_STATE_COMPLETED",
                followed.get(followed.size() - 1).at("/statusUpdate/status/state").asText(), followed.toString());

        JsonNode asked = only(NodePeers.run(CLIENT, card, "send", "ask: a colour", "--metadata", to("echo"))).get("task");
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.at("/status/state").asText(), asked.toString());
        JsonNode answered = only(NodePeers.run(CLIENT, card, "send-reply", asked.get("id").asText(),
                asked.get("contextId").asText(), "teal")).get("task");
        assertEquals("TASK_STATE_COMPLETED", answered.at("/status/state").asText(), answered.toString());
        assertTrue(answered.toString().contains("teal"), answered.toString());
    }

    @Test
    void anUnknownTaskIsTaskNotFoundForTheSdk() {
        JsonNode error = NodePeers.run(CLIENT, card(""), "get", "no-such-task").get(0);
        assertTrue(error.has("error"), error.toString());
        assertEquals("TASK_NOT_FOUND", error.at("/error/reason").asText(), error.toString());
    }
}
