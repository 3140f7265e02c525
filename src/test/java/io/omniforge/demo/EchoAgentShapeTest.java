package io.omniforge.demo;

import static io.omniforge.demo.Rpc.message;
import static io.omniforge.demo.Rpc.send;
import static io.omniforge.demo.Rpc.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The echo agent's shape words, which the benchmark's agents use: wait, stream, rate. */
@QuarkusTest
class EchoAgentShapeTest {

    @Test
    void waitsBeforeItAnswers() {
        long start = System.nanoTime();
        JsonPath r = Rpc.ok("echo", "SendMessage", send(message("wait:120 hello")));
        assertTrue(System.nanoTime() - start >= 120_000_000L, "answered after the wait");
        assertEquals("TASK_STATE_COMPLETED", r.getString("result.task.status.state"));
        assertEquals("echo: wait:120 hello", r.getString("result.task.artifacts[0].parts[0].text"));
    }

    @Test
    void streamsTimestampedChunksAtItsRate() {
        long before = EchoAgent.epochMicros();
        long start = System.nanoTime();
        List<JsonPath> events = Rpc.stream("echo", "SendStreamingMessage", send(message("stream:50 rate:500")));
        assertTrue(System.nanoTime() - start >= 90_000_000L, "50 chunks at 500 per second take about 100 ms");
        assertEquals(53, events.size(), "task, working, 50 chunks, completed");
        assertEquals("TASK_STATE_WORKING", state(events.get(1)));
        long previous = before;
        for (int i = 0; i < 50; i++) {
            JsonPath chunk = events.get(2 + i);
            String text = chunk.getString("result.artifactUpdate.artifact.parts[0].text");
            assertTrue(text.startsWith("chunk " + i + " at="), text);
            long at = Long.parseLong(text.substring(text.indexOf("at=") + 3).strip());
            assertTrue(at >= previous, "chunk times never go back");
            previous = at;
            assertEquals(i > 0, chunk.getBoolean("result.artifactUpdate.append"));
            assertEquals(i == 49, chunk.getBoolean("result.artifactUpdate.lastChunk"));
        }
        assertEquals("TASK_STATE_COMPLETED", state(events.get(52)));
    }

    @Test
    void shapeWordsAreFoundAnywhereAndChecked() {
        assertEquals(new EchoAgent.Shape(20, 0, EchoAgent.DEFAULT_RATE), EchoAgent.shape("echo: wait:20 x"));
        assertEquals(new EchoAgent.Shape(0, 3, 7), EchoAgent.shape("stream:3 rate:7"));
        assertEquals(new EchoAgent.Shape(0, 0, EchoAgent.DEFAULT_RATE), EchoAgent.shape("await:5 the stream: here"));
        for (String bad : List.of("stream:0", "stream:10001", "wait:-1", "wait:soon", "rate:0")) {
            JsonPath error = Rpc.error("echo", "SendMessage", send(message(bad)));
            assertEquals(-32602, error.getInt("error.code"), bad);
            assertTrue(error.getString("error.message").contains(bad), error.getString("error.message"));
        }
    }
}
