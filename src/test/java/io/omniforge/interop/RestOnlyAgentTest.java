package io.omniforge.interop;

import static io.omniforge.interop.Gateway.WAIT;
import static io.omniforge.interop.Gateway.message;
import static io.omniforge.interop.Gateway.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentException;
import io.omniforge.agent.AgentTarget;
import io.omniforge.agent.Binding;
import io.omniforge.support.NodePeers;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway in front of an agent that serves only A2A 1.0's HTTP+JSON binding: @a2a-js/sdk 1.3.0's restHandler
 * (agent-rest10.mjs), a real Node.js process (see docs/TESTING.md), which refuses any request without
 * {@code A2A-Version: 1.0}. Registered through the management API and reached through the gateway's own A2A endpoint,
 * alone and in an orchestration. Skipped, saying so, where node is not installed.
 */
@QuarkusTest
class RestOnlyAgentTest {

    private static final String REST = "rest-gamma";

    private static NodePeers.Agent rest;
    private static boolean registered;

    @Inject
    AgentClient client;

    @BeforeAll
    static void startAgent() {
        if (NodePeers.available()) {
            rest = NodePeers.start("agent-rest10.mjs", "--name", "gamma", "--log-requests", "--drop-streams");
        }
    }

    @BeforeEach
    void register() {
        NodePeers.nodeOrAbort();
        if (!registered) {
            Gateway.register(REST, rest.baseUrl());
            registered = true;
        }
    }

    @AfterAll
    static void stopAgent() {
        if (rest != null) {
            rest.close();
        }
    }

    @Test
    void theRegistryCallsItAtItsHttpJsonInterface() {
        Gateway.assertInterface(REST, rest.baseUrl() + "/a2a/rest", "HTTP+JSON", "1.0");
    }

    @Test
    void itAnswersSendsStreamsAndGets() {
        Gateway.assertKeywordAgent(REST, "gamma", "hello rest");
        JsonNode sent = Gateway.receivedAt(rest, "POST", "/a2a/rest/message:stream", "hello rest");
        assertEquals("1.0", sent.at("/headers/a2a-version").asText(), sent.toString());
        assertEquals("ROLE_USER", sent.at("/body/message/role").asText(), sent.toString());
    }

    @Test
    void aSlowTaskIsFollowedAgainAndCanceled() {
        Gateway.cancelWhileSubscribed("slow rest", REST);
        JsonNode cancel = Gateway.receivedAt(rest, "POST", ":cancel", null);
        String remote = cancel.path("path").asText().replaceAll(".*/tasks/(.*):cancel$", "$1");
        JsonNode atAgent = NodePeers.run("client-rest13.mjs", rest.cardUrl(), "get", remote).get(0);
        assertEquals("TASK_STATE_CANCELED", atAgent.at("/status/state").asText(), atAgent.toString());
    }

    @Test
    void aReplyWhoseStreamBreaksAfterTheTaskSnapshotIsFollowedToItsEnd() {
        JsonNode asked = Gateway.task(message("ask me", REST));
        assertEquals("TASK_STATE_INPUT_REQUIRED", state(asked), asked.toString());
        // The agent's answer to the reply opens with its task, still INPUT_REQUIRED; then the connection breaks.
        // That snapshot is no answer: the gateway subscribes to the task again and follows it to COMPLETED.
        JsonNode answered = Gateway.task(Gateway.reply("drop it there", asked));
        assertEquals("TASK_STATE_COMPLETED", state(answered), answered.toString());
        assertTrue(Rpc.artifactText(answered).contains("gamma got: drop it there"), answered.toString());
        Gateway.receivedAt(rest, "POST", ":subscribe", null);
    }

    @Test
    void aBrokenStreamIsFollowedAgain() {
        List<JsonNode> events = Gateway.stream(message("drop this", REST));
        assertEquals("TASK_STATE_COMPLETED", Gateway.lastState(events), events.toString());
        assertEquals("gamma echo: drop this", Rpc.artifactText(Gateway.get(events.get(0).at("/task/id").asText())));
    }

    private static AgentTarget target() {
        return new AgentTarget(REST, rest.baseUrl() + "/a2a/rest", Binding.HTTP_JSON_10, WAIT, true, Map.of());
    }

    @Test
    void theClientSendsAndGetsOverHttpJson() {
        Gateway.assertSendAndGetAtTheAgent(client, target(), "hello direct", "gamma echo: hello direct");
        Gateway.receivedAt(rest, "POST", "/a2a/rest/message:send", "hello direct");
        JsonNode get = rest.awaitRequest(r -> "GET".equals(r.path("method").asText())
                && r.path("path").asText().matches("/a2a/rest/tasks/[^/:]+"), WAIT);
        assertEquals("1.0", get.at("/headers/a2a-version").asText(), get.toString());
    }

    @Test
    void itsErrorsAreTheA2aErrorsTheirReasonsName() {
        AgentTarget target = target();
        AgentException missing = assertThrows(AgentException.class,
                () -> client.getTask(target, "no-such-task").await().atMost(WAIT));
        assertEquals(A2aError.TASK_NOT_FOUND, missing.error(), missing.getMessage());
        assertTrue(missing.getMessage().contains("HTTP 404 TASK_NOT_FOUND"), missing.getMessage());
        AgentException notSubscribable = assertThrows(AgentException.class,
                () -> client.subscribeToTask(target, "no-such-task").collect().asList().await().atMost(WAIT));
        assertEquals(A2aError.TASK_NOT_FOUND, notSubscribable.error(), notSubscribable.getMessage());
    }

    @Test
    void inAParallelOrchestration() {
        JsonNode task = Gateway.parallel("hello both", REST, "echo");
        assertEquals("TASK_STATE_COMPLETED", state(task), task.toString());
        assertEquals(Set.of(REST, "echo"), Set.copyOf(Gateway.resultAgents(task)), task.toString());
        assertEquals("## rest-gamma\ngamma echo: hello both\n\n## echo\necho: hello both", Gateway.synthesis(task));
    }
}
