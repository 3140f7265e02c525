package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A per-agent limit of calls at once: a call over it is not made and fails at once (-32052, naming the agent and the
 * key), a stream holds its place until it ends, and a place comes back however its call ends. Against the real slow
 * demo agent, whose answers take as long as they are told.
 */
@QuarkusTest
@TestProfile(AgentLimitsTest.TwoAtOnce.class)
class AgentLimitsTest {

    public static class TwoAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.agent.max-concurrent-calls", "2");
        }
    }

    @jakarta.inject.Inject
    AgentClient client;

    private static AgentTarget slow() {
        return new AgentTarget("slow-limited", "http://127.0.0.1:" + RestAssured.port + "/demo/slow/a2a",
                Binding.JSONRPC_10, Duration.ofSeconds(20), true, Map.of());
    }

    private CompletableFuture<SendMessageResponse> send(String text) {
        return client.call(slow(), A2aMethod.SEND_MESSAGE, SendMessageRequest.of(Message.user("m" + System.nanoTime(), text)),
                SendMessageResponse.class).subscribeAsCompletionStage();
    }

    @Test
    void aCallOverTheLimitIsNotMadeAndPlacesComeBack() throws Exception {
        CompletableFuture<SendMessageResponse> first = send("delay:1500");
        // A stream holds the second place while it runs.
        CompletableFuture<Void> streamed = new CompletableFuture<>();
        Cancellable stream = client.stream(slow(), A2aMethod.SEND_STREAMING_MESSAGE,
                SendMessageRequest.of(Message.user("s" + System.nanoTime(), "delay:1500"))).subscribe()
                .with((StreamResponse e) -> { }, streamed::completeExceptionally, () -> streamed.complete(null));
        Thread.sleep(200);
        ExecutionException refused = assertThrows(ExecutionException.class, () -> send("delay:10").get(5, TimeUnit.SECONDS));
        AgentException e = (AgentException) refused.getCause();
        assertEquals(AgentException.Kind.LIMITED, e.kind());
        assertEquals(A2aError.RATE_LIMITED, e.error());
        assertTrue(e.getMessage().contains("agent 'slow-limited' was not called: it is at its limit of 2 calls at once"
                + " (omniforge.agent.max-concurrent-calls)"), e.getMessage());
        first.get(20, TimeUnit.SECONDS);
        streamed.get(20, TimeUnit.SECONDS);
        stream.cancel();
        // Both places are back: two calls at once again, one of them failing at the agent (its place comes back too).
        CompletableFuture<SendMessageResponse> a = send("delay:10");
        CompletableFuture<SendMessageResponse> b = send("delay:10");
        a.get(20, TimeUnit.SECONDS);
        b.get(20, TimeUnit.SECONDS);
        send("delay:10").get(20, TimeUnit.SECONDS);
    }
}
