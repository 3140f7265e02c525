package io.omniforge.demo;

import static io.omniforge.demo.Rpc.message;
import static io.omniforge.demo.Rpc.send;
import static io.omniforge.demo.Rpc.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The slow agent: chunked streaming, cancellation of running work, subscription to a running task. */
@QuarkusTest
class SlowAgentTest {

    private static final int CHUNKS = 5; // omniforge.demo.slow.chunks by default

    @Test
    void streamsItsArtifactInChunks() {
        long start = System.nanoTime();
        List<JsonPath> events = Rpc.stream("slow", "SendStreamingMessage", send(message("delay:150")));
        assertTrue(System.nanoTime() - start >= 150_000_000L, "the chunks are spread over the delay");
        assertEquals(CHUNKS + 3, events.size());
        String id = events.get(0).getString("result.task.id");
        assertEquals("TASK_STATE_SUBMITTED", state(events.get(0)));
        assertEquals("TASK_STATE_WORKING", state(events.get(1)));
        List<JsonPath> chunks = events.subList(2, 2 + CHUNKS);
        String artifactId = chunks.get(0).getString("result.artifactUpdate.artifact.artifactId");
        assertNotNull(artifactId);
        for (int i = 0; i < CHUNKS; i++) {
            JsonPath chunk = chunks.get(i);
            assertEquals(id, chunk.getString("result.artifactUpdate.taskId"));
            assertEquals(artifactId, chunk.getString("result.artifactUpdate.artifact.artifactId"));
            assertEquals(i > 0, chunk.getBoolean("result.artifactUpdate.append"), "append of chunk " + i);
            assertEquals(i == CHUNKS - 1, chunk.getBoolean("result.artifactUpdate.lastChunk"), "lastChunk of chunk " + i);
        }
        assertEquals("TASK_STATE_COMPLETED", state(events.get(events.size() - 1)));

        JsonPath task = Rpc.ok("slow", "GetTask", Map.of("id", id));
        assertEquals(1, task.getList("result.artifacts").size());
        assertEquals(CHUNKS, task.getList("result.artifacts[0].parts").size());
    }

    @Test
    void blockingSendWaitsForTheLastChunk() {
        JsonPath r = Rpc.ok("slow", "SendMessage", send(message("delay:50")));
        assertEquals("TASK_STATE_COMPLETED", r.getString("result.task.status.state"));
        assertEquals(CHUNKS, r.getList("result.task.artifacts[0].parts").size());
    }

    @Test
    void rejectsADelayThatIsNoNumber() {
        assertEquals(-32602, Rpc.error("slow", "SendMessage", send(message("delay:soon"))).getInt("error.code"));
    }

    @Test
    void cancelStopsARunningTask() {
        JsonPath created = Rpc.ok("slow", "SendMessage", send(message("delay:5000"), Map.of("returnImmediately", true)));
        String id = created.getString("result.task.id");
        assertFalse(created.getString("result.task.status.state").equals("TASK_STATE_COMPLETED"));

        JsonPath canceled = Rpc.ok("slow", "CancelTask", Map.of("id", id));
        assertEquals(id, canceled.getString("result.id"));
        assertEquals("TASK_STATE_CANCELED", canceled.getString("result.status.state"));

        JsonPath got = Rpc.ok("slow", "GetTask", Map.of("id", id));
        assertEquals("TASK_STATE_CANCELED", got.getString("result.status.state"));
        List<Object> parts = got.get("result.artifacts") == null ? List.of() : got.getList("result.artifacts[0].parts");
        assertTrue(parts.size() < CHUNKS, "the chunks stopped with the cancel");

        JsonPath again = Rpc.error("slow", "CancelTask", Map.of("id", id));
        assertEquals(-32002, again.getInt("error.code"));
        assertEquals("TASK_NOT_CANCELABLE", again.getString("error.data[0].reason"));
        assertEquals(-32004, Rpc.error("slow", "SendMessage", send(message("more", id, null))).getInt("error.code"));
        assertEquals(-32004, Rpc.error("slow", "SubscribeToTask", Map.of("id", id)).getInt("error.code"));
        assertEquals(-32001, Rpc.error("slow", "CancelTask", Map.of("id", "no-such-task")).getInt("error.code"));
    }

    @Test
    void cancelEndsTheOpenStreamOfTheTask() throws Exception {
        long start = System.nanoTime();
        try (Rpc.LiveStream stream = Rpc.open("slow", "SendStreamingMessage", send(message("delay:5000")))) {
            assertEquals(200, stream.status());
            assertTrue(stream.contentType().startsWith("text/event-stream"));
            JsonPath first = stream.next();
            String id = first.getString("result.task.id");
            assertEquals("TASK_STATE_SUBMITTED", state(first));

            assertEquals("TASK_STATE_CANCELED", Rpc.ok("slow", "CancelTask", Map.of("id", id)).getString("result.status.state"));

            List<JsonPath> rest = readToEnd(stream);
            JsonPath last = rest.get(rest.size() - 1);
            assertEquals("TASK_STATE_CANCELED", last.getString("result.statusUpdate.status.state"));
            assertEquals(id, last.getString("result.statusUpdate.taskId"));
            assertTrue(rest.stream().noneMatch(e -> "TASK_STATE_COMPLETED".equals(state(e))));
        }
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "the stream ended with the cancel, not the work");
    }

    @Test
    void subscriberGetsTheTaskFirstThenTheLiveEvents() throws Exception {
        JsonPath created = Rpc.ok("slow", "SendMessage", send(message("delay:5000"), Map.of("returnImmediately", true)));
        String id = created.getString("result.task.id");
        try (Rpc.LiveStream stream = Rpc.open("slow", "SubscribeToTask", Map.of("id", id))) {
            JsonPath first = stream.next();
            assertEquals(id, first.getString("result.task.id"));
            assertFalse(first.getString("result.task.status.state").equals("TASK_STATE_CANCELED"));

            Rpc.ok("slow", "CancelTask", Map.of("id", id));
            List<JsonPath> rest = readToEnd(stream);
            assertEquals("TASK_STATE_CANCELED", state(rest.get(rest.size() - 1)));
        }
    }

    @Test
    void subscriberFollowsATaskToItsEnd() {
        JsonPath created = Rpc.ok("slow", "SendMessage", send(message("delay:1000"), Map.of("returnImmediately", true)));
        String id = created.getString("result.task.id");
        List<JsonPath> events = Rpc.stream("slow", "SubscribeToTask", Map.of("id", id));
        assertEquals(id, events.get(0).getString("result.task.id"));
        assertEquals("TASK_STATE_COMPLETED", state(events.get(events.size() - 1)));
        assertTrue(events.stream().skip(1).allMatch(e -> e.get("result.task") == null));
    }

    private static List<JsonPath> readToEnd(Rpc.LiveStream stream) throws java.io.IOException {
        List<JsonPath> events = new ArrayList<>();
        for (JsonPath e = stream.next(); e != null; e = stream.next()) {
            events.add(e);
        }
        assertFalse(events.isEmpty());
        return events;
    }
}
