package io.omniforge.task;

import static io.omniforge.support.Rpc.call;
import static io.omniforge.support.Rpc.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A task whose agent streams many chunks: its events are committed in batches and its stored body is rewritten only
 * every so often, yet whoever reads the task sees every event that any stream has already delivered.
 */
@QuarkusTest
class StreamedTaskTest {

    static final int CHUNKS = 1_000;

    @Test
    void getTaskShowsEveryChunkAStreamHasDelivered() {
        JsonNode started = call("/a2a", "SendMessage", Map.of("message", message("stream:" + CHUNKS + " rate:2000", "echo"),
                "configuration", Map.of("returnImmediately", true)));
        String id = started.path("result").path("task").path("id").asText();
        int seen = 0;
        long lastId = 0;
        try (Rpc.LiveStream stream = Rpc.subscribe(id, 0L)) {
            for (Rpc.Event e = stream.nextEvent(); e != null; e = stream.nextEvent()) {
                if (e.id() != null) {
                    assertTrue(e.id() > lastId, "event ids increase: " + e.id() + " after " + lastId);
                    lastId = e.id();
                }
                if (e.data().path("result").has("artifactUpdate")) {
                    seen++;
                    if (seen == 600) {
                        JsonNode task = call("/a2a", "GetTask", Map.of("id", id)).path("result");
                        int parts = task.path("artifacts").path(0).path("parts").size();
                        assertTrue(parts >= 600, "GetTask shows at least the 600 chunks already streamed, got " + parts);
                    }
                }
            }
        }
        assertEquals(CHUNKS, seen, "every chunk streamed once");
        JsonNode task = call("/a2a", "GetTask", Map.of("id", id)).path("result");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText());
        JsonNode parts = task.path("artifacts").path(0).path("parts");
        assertEquals(CHUNKS, parts.size());
        for (int i = 0; i < CHUNKS; i++) {
            assertTrue(parts.path(i).path("text").asText().startsWith("chunk " + i + " at="), "chunk " + i + " in order");
        }
    }
}
