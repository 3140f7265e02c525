package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.Task;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries with backoff (2 retries from 200 ms by default): an idempotent call (GetTask) whose connection an agent drops
 * is made again and succeeds; a SendMessage whose connection is refused (it never reached the agent) is made again
 * once the agent listens; a SendMessage that reached the agent is never sent twice. A real loopback server.
 */
@QuarkusTest
class AgentRetryTest {

    @Inject
    AgentClient client;

    private Vertx vertx;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger drops = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A server that drops the connection of the first {@code drops} requests, then answers them all. */
    private HttpServer listen(int port) throws Exception {
        return server(port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private io.vertx.core.Future<HttpServer> server(int port) {
        return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            requests.incrementAndGet();
            if (drops.getAndDecrement() > 0) {
                req.connection().close();
                return;
            }
            String result = body.toString().contains("GetTask")
                    ? "{\"id\":\"t1\",\"contextId\":\"c1\",\"status\":{\"state\":\"TASK_STATE_WORKING\"}}"
                    : "{\"message\":{\"messageId\":\"a\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"ok\"}]}}";
            req.response().putHeader("Content-Type", "application/json")
                    .end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
        })).listen(port, "127.0.0.1");
    }

    private static AgentTarget at(String name, int port) {
        return new AgentTarget(name, "http://127.0.0.1:" + port + "/a2a", Binding.JSONRPC_10, Duration.ofSeconds(5),
                false, Map.of());
    }

    @Test
    void anIdempotentCallIsMadeAgainAndASentMessageNever() throws Exception {
        drops.set(2);
        HttpServer server = listen(0);
        Task task = client.call(at("dropping", server.actualPort()), A2aMethod.GET_TASK, new GetTaskRequest(null, "t1", null),
                Task.class).await().atMost(Duration.ofSeconds(20));
        assertEquals("t1", task.id());
        assertEquals(3, requests.get(), "two dropped attempts, then the answer");

        requests.set(0);
        drops.set(1);
        AgentException e = assertThrows(AgentException.class, () -> client.call(at("dropping", server.actualPort()),
                A2aMethod.SEND_MESSAGE, SendMessageRequest.of(Message.user("m1", "once")), SendMessageResponse.class)
                .await().atMost(Duration.ofSeconds(20)));
        assertEquals(AgentException.Kind.UNREACHABLE, e.kind(), e.getMessage());
        assertEquals(1, requests.get(), "a message that reached the agent is not sent again");
    }

    @Test
    void aMessageWhoseConnectionWasRefusedIsSentOnceTheAgentListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int later = port;
        vertx.setTimer(150, t -> server(later)); // on the event loop: started, not waited for
        SendMessageResponse answer = client.call(at("late", port), A2aMethod.SEND_MESSAGE,
                SendMessageRequest.of(Message.user("m2", "hi")), SendMessageResponse.class).await().atMost(Duration.ofSeconds(20));
        assertEquals("ok", answer.message().parts().get(0).text());
        assertEquals(1, requests.get());
        assertTrue(AgentClient.retriable(A2aMethod.GET_TASK, AgentException.timeout("x", "slow")));
        assertFalse(AgentClient.retriable(A2aMethod.SEND_MESSAGE, AgentException.timeout("x", "slow")));
    }
}
