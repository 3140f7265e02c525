package io.omniforge.interop;

import static io.omniforge.interop.Gateway.WAIT;
import static io.omniforge.interop.Gateway.message;
import static io.omniforge.interop.Gateway.state;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentException;
import io.omniforge.agent.AgentTarget;
import io.omniforge.agent.Binding;
import io.omniforge.handoff.HandoffRequest;
import io.omniforge.support.NodePeers;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway in front of the A2A 0.3 agents people run: an @a2a-js/sdk 0.3.14 agent (agent03.mjs) and a Google ADK
 * agent exposed by its toA2a (agent-adk.mjs), as real Node.js processes (see docs/TESTING.md), registered through the
 * management API and reached through the gateway's own A2A 1.0 endpoint: alone, in a parallel orchestration with a
 * demo agent, and (agent03) as the target of a handoff. Skipped, saying so, where node is not installed.
 */
@QuarkusTest
class ZeroThreeAgentsTest {

    private static final String A03 = "z3-alpha";
    private static final String ADK = "z3-adk";

    private static NodePeers.Agent a03;
    private static NodePeers.Agent adk;
    private static boolean registered;

    @Inject
    AgentClient client;

    @BeforeAll
    static void startAgents() {
        if (!NodePeers.available()) {
            return; // each test is skipped by register(), saying why
        }
        a03 = NodePeers.start("agent03.mjs", "--name", "alpha", "--accept-handoffs", "--log-requests", "--drop-streams");
        adk = NodePeers.start("agent-adk.mjs", "--log-requests");
    }

    @BeforeEach
    void register() {
        NodePeers.nodeOrAbort();
        if (!registered) {
            Gateway.register(A03, a03.baseUrl());
            Gateway.register(ADK, adk.baseUrl());
            registered = true;
        }
    }

    @AfterAll
    static void stopAgents() {
        // The registrations go with the test run's store; the gateway has already stopped here.
        for (NodePeers.Agent agent : new NodePeers.Agent[] {a03, adk}) {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void theRegistryCallsBothAtTheirZeroThreeJsonRpcInterface() {
        Gateway.assertInterface(A03, a03.baseUrl() + "/a2a/jsonrpc", "JSONRPC", "0.3");
        // ADK's card also offers its 0.3 HTTP+JSON binding, which the gateway does not speak.
        Gateway.assertInterface(ADK, adk.baseUrl() + "/jsonrpc", "JSONRPC", "0.3");
        JsonNode card = Gateway.listed(ADK).path("card");
        assertEquals("adk_echo", card.path("name").asText(), card.toString());
        assertTrue(card.path("supportedInterfaces").toString().contains("HTTP+JSON"), card.toString());
    }

    @Test
    void agent03AnswersSendsStreamsAndGets() {
        Gateway.assertKeywordAgent(A03, "alpha", "hello there");
        // The agent streams, so the gateway follows even a blocking send by message/stream: 0.3 objects, no version.
        JsonNode sent = Gateway.received(a03, "message/stream", "hello there");
        assertFalse(sent.path("headers").has("a2a-version"), "a 0.3 agent gets no A2A-Version: " + sent);
        assertEquals("text", sent.at("/body/params/message/parts/0/kind").asText(), sent.toString());
        assertEquals("user", sent.at("/body/params/message/role").asText(), sent.toString());
    }

    @Test
    void agent03AsksAndTheReplyFinishesItsTask() {
        JsonNode asked = Gateway.task(message("ask about it", A03));
        assertEquals("TASK_STATE_INPUT_REQUIRED", state(asked), asked.toString());
        assertTrue(Gateway.said(asked).contains("alpha asks"), asked.toString());
        List<JsonNode> events = Gateway.stream(Gateway.reply("the blue one", asked));
        assertEquals("TASK_STATE_COMPLETED", Gateway.lastState(events), events.toString());
        assertTrue(Rpc.artifactText(Gateway.get(asked.path("id").asText())).contains("alpha got: the blue one"));
    }

    @Test
    void aSlowAgent03TaskIsFollowedAgainAndCanceled() {
        Gateway.cancelWhileSubscribed("slow one", A03);
        String remote = Gateway.received(a03, "tasks/cancel", null).at("/body/params/id").asText();
        JsonNode atAgent = NodePeers.run("client03.mjs", a03.cardUrl(), "get", remote).get(0);
        assertEquals("canceled", atAgent.at("/status/state").asText(), atAgent.toString());
    }

    @Test
    void aBrokenStreamIsFollowedAgainWithTasksResubscribe() {
        List<JsonNode> events = Gateway.stream(message("drop me", A03));
        assertEquals("TASK_STATE_COMPLETED", Gateway.lastState(events), events.toString());
        JsonNode resubscribed = Gateway.received(a03, "tasks/resubscribe", null);
        assertFalse(resubscribed.path("headers").has("a2a-version"), resubscribed.toString());
        assertEquals("alpha echo: drop me", Rpc.artifactText(Gateway.get(events.get(0).at("/task/id").asText())));
    }

    @Test
    void adkAnswersSendsStreamsAndGets() {
        JsonNode task = Gateway.task(message("hello adk", ADK));
        assertEquals("TASK_STATE_COMPLETED", state(task), task.toString());
        assertEquals("adk echo: hello adk", Rpc.artifactText(task));
        assertEquals("adk echo: hello adk", Rpc.artifactText(Gateway.get(task.path("id").asText())));

        // ADK leaves "append" out of its artifact updates, and answers a data part inside its text.
        List<JsonNode> events = Gateway.stream(message("stream adk", ADK, Map.of("data", Map.of("city", "Lisbon"))));
        assertEquals("TASK_STATE_COMPLETED", Gateway.lastState(events), events.toString());
        JsonNode got = Gateway.get(events.get(0).at("/task/id").asText());
        assertTrue(Rpc.artifactText(got).startsWith("adk echo: stream adk"), got.toString());
        assertTrue(Rpc.artifactText(got).contains("Lisbon"), got.toString());
        JsonNode sent = Gateway.received(adk, "message/stream", "stream adk");
        assertEquals("data", sent.at("/body/params/message/parts/1/kind").asText(), sent.toString());
    }

    @Test
    void aSlowAdkTaskIsFollowedAgainAndCanceledThoughAdkCannotCancel() {
        String id = Gateway.cancelWhileSubscribed("slow adk", ADK);
        // ADK was asked; it answers that it cannot cancel (-32603), which the gateway logs: its own task is canceled.
        Gateway.received(adk, "tasks/cancel", null);
        assertEquals("TASK_STATE_CANCELED", state(Gateway.get(id)));
    }

    @Test
    void theClientSendsAndGetsInZeroThree() {
        Gateway.assertSendAndGetAtTheAgent(client, target(A03, a03.baseUrl() + "/a2a/jsonrpc"), "hello direct",
                "alpha echo: hello direct");
        Gateway.received(a03, "message/send", "hello direct");
        Gateway.assertSendAndGetAtTheAgent(client, target(ADK, adk.baseUrl() + "/jsonrpc"), "hello direct",
                "adk echo: hello direct");
        Gateway.received(adk, "tasks/get", null);
    }

    private static AgentTarget target(String name, String url) {
        return new AgentTarget(name, url, Binding.JSONRPC_03, WAIT, true, Map.of());
    }

    @Test
    void errorsMeanWhatTheAgentMeant() {
        // ADK answers every error with -32603 and the standard message: "Task not found: ..." is -32001.
        AgentException adkError = assertThrows(AgentException.class, () -> client.getTask(
                target(ADK, adk.baseUrl() + "/jsonrpc"), "no-such-task").await().atMost(WAIT));
        assertEquals(A2aError.TASK_NOT_FOUND, adkError.error(), adkError.getMessage());
        assertEquals(AgentException.Kind.REMOTE_ERROR, adkError.kind());
        AgentException sdkError = assertThrows(AgentException.class, () -> client.cancelTask(
                target(A03, a03.baseUrl() + "/a2a/jsonrpc"), "no-such-task").await().atMost(WAIT));
        assertEquals(A2aError.TASK_NOT_FOUND, sdkError.error(), sdkError.getMessage());
    }

    @Test
    void aParallelOrchestrationGetsTheResultsOfAllThree() {
        JsonNode task = Gateway.parallel("hello all", A03, ADK, "echo");
        assertEquals("TASK_STATE_COMPLETED", state(task), task.toString());
        // One result each, in the order they came; the synthesis in the plan's order.
        assertEquals(Set.of(A03, ADK, "echo"), Set.copyOf(Gateway.resultAgents(task)), task.toString());
        assertEquals("## z3-alpha\nalpha echo: hello all\n\n## z3-adk\nadk echo: hello all\n\n## echo\necho: hello all",
                Gateway.synthesis(task));
    }

    @Test
    void agent03TakesAHandedOffConversation() {
        String context = "z3-handoff-" + UUID.randomUUID();
        Map<String, Object> hello = inThread("hello", context);
        assertEquals("triage", Gateway.task(hello).path("metadata").path(Rpc.AGENT_KEY).path("agent").asText());
        JsonNode record = Rpc.read(given().contentType("application/json")
                .body(Map.of("to", A03, "reason", "the user asked for alpha"))
                .post("/api/v1/threads/" + context + "/handoffs").then().statusCode(201).extract().asString());
        assertEquals("active", record.path("state").asText(), record.toString());

        JsonNode first = Gateway.task(inThread("what now", context));
        String text = Rpc.artifactText(first);
        assertTrue(text.startsWith("alpha echo: [handoff from triage: the user asked for alpha]"), text);
        assertTrue(text.contains("what now"), text);
        JsonNode next = Gateway.task(inThread("and then", context));
        assertEquals("alpha echo: and then", Rpc.artifactText(next));

        // A handoff asked for in a message's metadata goes on in that same task.
        String other = "z3-handoff-meta-" + UUID.randomUUID();
        Gateway.task(inThread("hello", other));
        Map<String, Object> handOff = inThread("over to alpha", other);
        handOff.put("metadata", Map.of(HandoffRequest.KEY, Map.of("to", A03, "reason", "asked by the user")));
        JsonNode handed = Gateway.task(handOff);
        assertNotEquals("", Rpc.artifactText(handed));
        assertTrue(Rpc.artifactText(handed).contains("alpha echo: [handoff from triage: asked by the user]"),
                handed.toString());
    }

    private static Map<String, Object> inThread(String text, String context) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("contextId", context);
        return m;
    }
}
