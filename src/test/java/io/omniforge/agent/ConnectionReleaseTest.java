package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call that ends, for any reason, releases its connection, and one agent's faults never reach another's: a real
 * loopback server that drips one byte a second (never finishing its answer) and, on the same host and port, a
 * healthy agent. Pools of 4 connections here, so that starving one would take only 4 calls.
 */
@QuarkusTest
@TestProfile(ConnectionReleaseTest.SmallPools.class)
class ConnectionReleaseTest {

    public static class SmallPools implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.agent.max-connections-per-host", "4");
        }
    }

    @Inject
    AgentClient client;

    private Vertx vertx;
    private HttpServer server;
    private final AtomicInteger open = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .connectionHandler(c -> {
                    open.incrementAndGet();
                    c.closeHandler(v -> open.decrementAndGet());
                })
                .requestHandler(req -> req.body().onSuccess(body -> {
                    if (req.path().equals("/healthy")) {
                        req.response().putHeader("Content-Type", "application/json").end("{\"jsonrpc\":\"2.0\",\"id\":1,"
                                + "\"result\":{\"message\":{\"messageId\":\"a\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"ok\"}]}}}");
                        return;
                    }
                    req.response().setChunked(true).putHeader("Content-Type", "application/json").write("{");
                    long timer = vertx.setPeriodic(1000, t -> req.response().write(" "));
                    req.response().closeHandler(v -> vertx.cancelTimer(timer));
                }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private AgentTarget target(String name, String path) {
        return new AgentTarget(name, "http://127.0.0.1:" + server.actualPort() + path, Binding.JSONRPC_10,
                Duration.ofSeconds(1), false, Map.of());
    }

    private Uni<SendMessageResponse> send(AgentTarget target) {
        return client.call(target, A2aMethod.SEND_MESSAGE, SendMessageRequest.of(Message.user("m", "hi")),
                SendMessageResponse.class);
    }

    @Test
    void timedOutCallsCloseTheirConnectionsAndStarveNoOtherAgent() throws Exception {
        AgentTarget drip = target("drip", "/drip");
        List<java.util.concurrent.CompletableFuture<SendMessageResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(send(drip).subscribeAsCompletionStage());
        }
        // While the drip agent holds every connection of its own pool, another agent on its host and port answers.
        SendMessageResponse healthy = send(target("healthy", "/healthy")).await().atMost(Duration.ofSeconds(5));
        assertEquals("ok", healthy.message().parts().get(0).text());
        for (var call : calls) {
            var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            // Timed out, each one: a call that waited in the pool is never handed a connection an ended call is closing.
            assertTrue(failure.getCause() instanceof AgentException e && e.kind() == AgentException.Kind.TIMEOUT,
                    String.valueOf(failure.getCause()));
        }
        // Every connection of a call that ended is closed: only the healthy agent's kept-alive one may stay open.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (open.get() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(open.get() <= 1, open.get() + " connections still open at the agent after every call ended");
        // And the drip agent's pool is whole again: a new call gets a connection (and times out as the agent drips).
        var again = assertThrows(AgentException.class, () -> send(drip).await().atMost(Duration.ofSeconds(10)));
        assertEquals(AgentException.Kind.TIMEOUT, again.kind(), again.getMessage());
    }
}
