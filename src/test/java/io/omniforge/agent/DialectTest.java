package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.support.OddAgents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What each dialect makes of answers it cannot read, against loopback agents that give them ({@link OddAgents}): the
 * call fails with -32006 naming the agent and the field, or, for an error the agent reports, with the A2A error it
 * means. (What they make of real agents' answers: interop.ZeroThreeAgentsTest and interop.RestOnlyAgentTest.)
 */
@QuarkusTest
class DialectTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    AgentClient client;

    private static AgentTarget target(String name, String path, Binding binding) {
        return new AgentTarget(name, "http://127.0.0.1:" + RestAssured.port + path, binding, WAIT, false, Map.of());
    }

    /** The call's failure, whose message says what was wrong in the protocol's words, never a Java type. */
    private static AgentException failure(Uni<?> call) {
        AgentException e = assertThrows(AgentException.class, () -> call.await().atMost(WAIT));
        assertTrue(!e.getMessage().matches("(?s).*(java\\.|io\\.omniforge|fasterxml|Exception|`).*"), e.getMessage());
        return e;
    }

    @Test
    void aZeroThreeAnswerThatCannotBeReadNamesTheFieldAndTheAgent() {
        AgentTarget odd = target("odd03", OddAgents.RPC03 + "/a2a", Binding.JSONRPC_03);
        AgentException state = failure(client.sendMessage(odd, SendMessageRequest.of(Message.user("m1", "hi"))));
        assertEquals(A2aError.INVALID_AGENT_RESPONSE, state.error(), state.getMessage());
        assertTrue(state.getMessage().contains("agent 'odd03'"), state.getMessage());
        assertTrue(state.getMessage().contains("result.status.state: \"unknown\""), state.getMessage());

        AgentException part = failure(client.getTask(odd, "t"));
        assertEquals(A2aError.INVALID_AGENT_RESPONSE, part.error(), part.getMessage());
        assertTrue(part.getMessage().contains("result.artifacts[0].parts[0].text"), part.getMessage());

        // -32603 with the standard message of another error (Google ADK does this) is that error.
        AgentException cancel = failure(client.cancelTask(odd, "t"));
        assertEquals(AgentException.Kind.REMOTE_ERROR, cancel.kind());
        assertEquals(A2aError.TASK_NOT_CANCELABLE, cancel.error(), cancel.getMessage());
        assertTrue(cancel.getMessage().contains("error -32603 (taken as -32002"), cancel.getMessage());
    }

    @Test
    void anHttpJsonErrorIsReadByItsReasonAndNonJsonIsInvalid() {
        AgentTarget odd = target("odd-rest", OddAgents.REST, Binding.HTTP_JSON_10);
        AgentException html = failure(client.getTask(odd, "t"));
        assertEquals(AgentException.Kind.INVALID_RESPONSE, html.kind(), html.getMessage());
        assertTrue(html.getMessage().contains("GetTask answered HTTP 500 with text/html that is not JSON"), html.getMessage());

        AgentException noReason = failure(client.cancelTask(odd, "t"));
        assertEquals(AgentException.Kind.REMOTE_ERROR, noReason.kind(), noReason.getMessage());
        assertEquals(A2aError.INTERNAL_ERROR, noReason.error());
        assertTrue(noReason.getMessage().contains("HTTP 400: not now"), noReason.getMessage());
    }
}
