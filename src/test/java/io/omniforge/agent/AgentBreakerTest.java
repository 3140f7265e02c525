package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.Task;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker of one agent: after failures that say it is down it opens, and calls fail at once saying so;
 * after its delay one probe goes (half-open), and a probe that succeeds closes it. An A2A error the agent answers
 * (TaskNotFound) does not count. A real closed port is the dead agent; the echo demo agent, under the same agent name,
 * the recovered one. Here: 4 calls, half of them failed, 1 s open.
 */
@QuarkusTest
@TestProfile(AgentBreakerTest.Quick.class)
class AgentBreakerTest {

    public static class Quick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No retries: each call is one attempt through the breaker, so the count below is the breaker's.
            return Map.of("omniforge.agent.breaker.enabled", "true", "omniforge.agent.retry.max-retries", "0",
                    "omniforge.agent.breaker.request-volume-threshold", "4",
                    "omniforge.agent.breaker.failure-ratio", "0.5",
                    "omniforge.agent.breaker.delay", "1s");
        }
    }

    @Inject
    AgentClient client;

    @Inject
    io.vertx.core.Vertx vertx;

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static AgentTarget at(String name, String url) {
        return new AgentTarget(name, url, Binding.JSONRPC_10, Duration.ofSeconds(5), false, Map.of());
    }

    private AgentException failure(AgentTarget target) {
        return assertThrows(AgentException.class, () -> client.call(target, A2aMethod.SEND_MESSAGE,
                SendMessageRequest.of(Message.user("m" + System.nanoTime(), "hi")), SendMessageResponse.class)
                .await().atMost(WAIT));
    }

    @Test
    void aDeadAgentsBreakerOpensThenAProbeClosesIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        AgentTarget dead = at("flaky-host", "http://127.0.0.1:" + closed + "/a2a");
        for (int i = 0; i < 4; i++) {
            assertEquals(AgentException.Kind.UNREACHABLE, failure(dead).kind());
        }
        AgentException open = failure(dead);
        assertEquals(AgentException.Kind.CIRCUIT_OPEN, open.kind(), open.getMessage());
        assertTrue(open.getMessage().contains("agent 'flaky-host' was not called: its circuit breaker is open"),
                open.getMessage());
        assertEquals("OPEN", client.breakerState("flaky-host"));
        // Open (2), or half-open (1) if the breaker's short delay here has passed by the time of the scrape.
        double state = io.omniforge.observability.Metrics.value(io.omniforge.observability.Metrics.scrape(),
                "omniforge_agent_breaker_state", java.util.Map.of("agent", "flaky-host"));
        assertTrue(state == 2.0 || state == 1.0, "the metric says the breaker is not closed: " + state);

        // The agent is back (same name, now answering): after the delay a probe goes through and closes the breaker.
        AgentTarget back = at("flaky-host", "http://127.0.0.1:" + RestAssured.port + "/demo/echo/a2a");
        Thread.sleep(1200);
        client.call(back, A2aMethod.SEND_MESSAGE, SendMessageRequest.of(Message.user("m-probe", "probe")),
                SendMessageResponse.class).await().atMost(WAIT);
        assertEquals("CLOSED", client.breakerState("flaky-host"));
        assertEquals(0.0, io.omniforge.observability.Metrics.value(io.omniforge.observability.Metrics.scrape(),
                "omniforge_agent_breaker_state", java.util.Map.of("agent", "flaky-host")), "the metric says closed");
    }

    @Test
    void aStreamThroughTheBreakerArrivesWhole() throws Exception {
        // Called on a Vert.x context, as the gateway calls: the guard then hands the response on a tick after it
        // arrived, and the events that came in between are there all the same, in order.
        AgentTarget echo = at("echo-stream", "http://127.0.0.1:" + RestAssured.port + "/demo/echo/a2a");
        for (int i = 0; i < 5; i++) {
            String id = "m-stream-" + i;
            java.util.concurrent.CompletableFuture<java.util.List<io.omniforge.a2a.StreamResponse>> got =
                    new java.util.concurrent.CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(v -> client.stream(echo, A2aMethod.SEND_STREAMING_MESSAGE,
                    SendMessageRequest.of(Message.user(id, "hello"))).collect().asList()
                    .subscribe().with(got::complete, got::completeExceptionally));
            java.util.List<io.omniforge.a2a.StreamResponse> events = got.get(WAIT.toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(events.size() >= 2, "events: " + events);
            io.omniforge.a2a.StreamResponse last = events.get(events.size() - 1);
            assertTrue(last.statusUpdate() != null && last.statusUpdate().status().state().isTerminal()
                    || last.task() != null && last.task().status().state().isTerminal(), "last event: " + last);
        }
        assertEquals("CLOSED", client.breakerState("echo-stream"));
    }

    @Test
    void streamsThatCannotOpenOpenItToo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        AgentTarget dead = at("dead-streamer", "http://127.0.0.1:" + closed + "/a2a");
        for (int i = 0; i < 4; i++) {
            AgentException e = assertThrows(AgentException.class, () -> client.subscribeToTask(dead, "t").collect().asList()
                    .await().atMost(WAIT));
            assertEquals(AgentException.Kind.UNREACHABLE, e.kind(), e.getMessage());
        }
        // A stream's outcome reaches its breaker a moment after the stream failed.
        long until = System.nanoTime() + WAIT.toNanos();
        while (!"OPEN".equals(client.breakerState("dead-streamer")) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        AgentException open = assertThrows(AgentException.class, () -> client.subscribeToTask(dead, "t").collect().asList()
                .await().atMost(WAIT));
        assertEquals(AgentException.Kind.CIRCUIT_OPEN, open.kind(), open.getMessage());
    }

    @Test
    void anA2aErrorTheAgentAnswersDoesNotOpenIt() {
        AgentTarget echo = at("echo-errors", "http://127.0.0.1:" + RestAssured.port + "/demo/echo/a2a");
        for (int i = 0; i < 8; i++) {
            AgentException e = assertThrows(AgentException.class, () -> client.call(echo, A2aMethod.GET_TASK,
                    new GetTaskRequest(null, "no-such-task", null), Task.class).await().atMost(WAIT));
            assertEquals(AgentException.Kind.REMOTE_ERROR, e.kind(), e.getMessage());
        }
        assertEquals("CLOSED", client.breakerState("echo-errors"));
    }
}
