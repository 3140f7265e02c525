package io.omniforge.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.Message;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ThreadManagerTest {

    @Inject
    ThreadManager threads;

    @Test
    void concurrentStateUpdatesLoseNothing() {
        String id = "t-" + UUID.randomUUID();
        int writers = 200;
        List<Uni<ConversationThread>> updates = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            updates.add(threads.updateState("default", id, state -> {
                state.put("counter", state.path("counter").asInt() + 1);
                state.withArray("seen").add(n);
                return state;
            }));
        }
        // All queued at once: they race for the writer.
        Uni.join().all(updates).andFailFast().await().atMost(Duration.ofSeconds(60));
        ConversationThread t = threads.get("default", id).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        assertEquals(writers, t.stateMetadata().path("counter").asInt());
        Set<Integer> seen = new HashSet<>();
        t.stateMetadata().path("seen").forEach(n -> seen.add(n.asInt()));
        assertEquals(writers, seen.size(), "every update's own change survived");
        assertEquals(writers, t.version());
    }

    @Test
    void messagesActiveAgentAndPaging() {
        String id = "t-" + UUID.randomUUID();
        threads.appendMessage("default", id, Message.user("m1", "hello"), "task-1", null).await().atMost(Duration.ofSeconds(10));
        threads.appendMessage("default", id, Message.agent("m2", id, "task-1",
                List.of(io.omniforge.a2a.Part.text("hi"))), "task-1", "echo").await().atMost(Duration.ofSeconds(10));
        ConversationThread t = threads.setActiveAgent("default", id, "echo").await().atMost(Duration.ofSeconds(10));
        assertEquals("echo", t.activeAgent());
        List<ThreadMessage> messages = threads.messages("default", id, 10).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(1L, 2L), messages.stream().map(ThreadMessage::seq).toList());
        assertEquals("hello", messages.get(0).message().text());
        assertEquals(List.of("echo"), ThreadManager.participants(messages));
        // Another tenant sees nothing of it.
        assertTrue(threads.get("other", id).await().atMost(Duration.ofSeconds(10)).isEmpty());

        String tenant = "paging-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            threads.getOrCreate(tenant, "p" + i).await().atMost(Duration.ofSeconds(10));
        }
        Page<ConversationThread> first = threads.list(tenant, 2, null).await().atMost(Duration.ofSeconds(10));
        assertEquals(2, first.items().size());
        assertNotEquals("", first.nextPageToken());
        Set<String> all = new HashSet<>();
        first.items().forEach(x -> all.add(x.id()));
        String token = first.nextPageToken();
        while (!token.isEmpty()) {
            Page<ConversationThread> page = threads.list(tenant, 2, token).await().atMost(Duration.ofSeconds(10));
            page.items().forEach(x -> all.add(x.id()));
            token = page.nextPageToken();
        }
        assertEquals(Set.of("p0", "p1", "p2", "p3", "p4"), all);
    }
}
