package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The downstream client's failure modes, against the demo agents on loopback. */
@QuarkusTest
class AgentClientTest {

    @Inject
    AgentClient client;

    private static String rpc(String agent) {
        return "http://127.0.0.1:" + RestAssured.port + "/demo/" + agent + "/a2a";
    }

    private static AgentException failure(io.smallrye.mutiny.Uni<?> call) {
        try {
            call.await().atMost(Duration.ofSeconds(30));
        } catch (AgentException e) {
            return e;
        }
        throw new AssertionError("the call should have failed");
    }

    @Test
    void aSlowAgentTimesOut() {
        AgentTarget target = new AgentTarget("slow", rpc("slow"), Duration.ofMillis(300), true);
        long start = System.nanoTime();
        AgentException e = failure(client.sendMessage(target, SendMessageRequest.of(Message.user("m-timeout", "delay:5000"))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(AgentException.Kind.TIMEOUT, e.kind(), e.getMessage());
        assertTrue(tookMs < 5000, "the timeout fired before the agent answered (" + tookMs + " ms)");
    }

    @Test
    void anUnreachableAgent() {
        AgentTarget target = new AgentTarget("ghost", "http://127.0.0.1:1/a2a", Duration.ofSeconds(5), false);
        AgentException e = failure(client.sendMessage(target, SendMessageRequest.of(Message.user("m-ghost", "hi"))));
        assertEquals(AgentException.Kind.UNREACHABLE, e.kind(), e.getMessage());
    }

    @Test
    void nonA2aAnswersAreInvalidAgentResponses() {
        AgentTarget flaky = new AgentTarget("flaky", rpc("flaky"), Duration.ofSeconds(5), true);
        AgentException malformed = failure(client.sendMessage(flaky, SendMessageRequest.of(Message.user("m1", "fail:malformed"))));
        assertEquals(AgentException.Kind.INVALID_RESPONSE, malformed.kind());
        assertEquals(-32006, malformed.error().code());
        AgentException http500 = failure(client.sendMessage(flaky, SendMessageRequest.of(Message.user("m2", "fail:http-500"))));
        assertEquals(AgentException.Kind.INVALID_RESPONSE, http500.kind(), http500.getMessage());
        assertTrue(http500.getMessage().contains("HTTP 500"), http500.getMessage());
        AgentTarget notAnAgent = new AgentTarget("health", "http://127.0.0.1:" + RestAssured.port + "/q/health",
                Duration.ofSeconds(5), false);
        AgentException html = failure(client.sendMessage(notAnAgent, SendMessageRequest.of(Message.user("m3", "hi"))));
        assertEquals(AgentException.Kind.INVALID_RESPONSE, html.kind(), html.getMessage());
        AgentException remote = failure(client.sendMessage(flaky, SendMessageRequest.of(Message.user("m4", "fail:error"))));
        assertEquals(AgentException.Kind.REMOTE_ERROR, remote.kind());
        assertTrue(remote.getMessage().contains("-32603"), remote.getMessage());
    }

    @Test
    void streamsAreReadAsTheyCome() {
        AgentTarget slow = new AgentTarget("slow", rpc("slow"), Duration.ofSeconds(5), true);
        var events = client.sendStreamingMessage(slow, SendMessageRequest.of(Message.user("m5", "delay:100")))
                .collect().asList().await().atMost(Duration.ofSeconds(30));
        assertTrue(events.get(0).task() != null, "the first event is the Task");
        assertEquals(5, events.stream().filter(e -> e.artifactUpdate() != null).count());
        assertEquals("TASK_STATE_COMPLETED", events.get(events.size() - 1).state().name());
        AgentTarget flaky = new AgentTarget("flaky", rpc("flaky"), Duration.ofSeconds(5), true);
        AgentException broken = failure(client.sendStreamingMessage(flaky,
                SendMessageRequest.of(Message.user("m6", "fail:break-stream"))).collect().asList());
        assertEquals(AgentException.Kind.UNREACHABLE, broken.kind(), broken.getMessage());
    }
}
