package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSON made once and used again: a SendMessage answer with the task's ready JSON, and the event that carries a
 * task, are written exactly as serializing them would write them, and read back.
 */
class ReadyJsonTest {

    private final ObjectMapper mapper = A2aJson.newMapper();

    @Test
    void aTasksReadyJsonIsWrittenAsTheTaskWouldBe() throws Exception {
        Task task = new Task("t1", "c1", new TaskStatus(TaskState.TASK_STATE_COMPLETED, null,
                java.time.Instant.parse("2026-12-04T21:35:49.299Z")),
                List.of(Artifact.of("a1", "echo", List.of(Part.text("echo: hi \"there\" \u00e9")))),
                List.of(Message.agent("m1", "c1", "t1", List.of(Part.text("hi")))), null);
        String plain = mapper.writeValueAsString(SendMessageResponse.of(task));
        String ready = mapper.writeValueAsString(SendMessageResponse.of(task, mapper.writeValueAsString(task)));
        assertEquals(plain, ready);
        assertEquals(new String(mapper.writeValueAsBytes(SendMessageResponse.of(task)), "UTF-8"),
                new String(mapper.writeValueAsBytes(SendMessageResponse.of(task, mapper.writeValueAsString(task))), "UTF-8"));
        assertEquals(SendMessageResponse.of(task), mapper.readValue(ready, SendMessageResponse.class));
        assertEquals("{\"task\":" + mapper.writeValueAsString(task) + "}", plain);
    }

    @Test
    void aTaskEventFromTheTasksJsonIsTheEventsJson() throws Exception {
        Task task = new Task("t2", "c2", new TaskStatus(TaskState.TASK_STATE_SUBMITTED, null,
                java.time.Instant.parse("2026-12-04T21:35:49.299Z")), null,
                List.of(Message.agent("m2", "c2", "t2", List.of(Part.text("hi")))), null);
        StreamEvent ready = StreamEvent.ofTask(1, task, mapper.writeValueAsString(task));
        assertEquals(new StreamEvent(1, StreamResponse.of(task)).json(mapper), ready.json(mapper));
        assertEquals(StreamResponse.of(task), mapper.readValue(ready.json(mapper), StreamResponse.class));
    }

    @Test
    void anEventReadBackAsJsonIsParsedOnlyWhenLookedInto() throws Exception {
        Task task = new Task("t3", "c3", new TaskStatus(TaskState.TASK_STATE_WORKING, null,
                java.time.Instant.parse("2026-12-04T21:35:49.299Z")), null, null, null);
        String json = mapper.writeValueAsString(StreamResponse.of(task));
        StreamEvent stored = new StreamEvent(7, json, mapper);
        assertEquals(json, stored.json(mapper));
        // equal to the same event made from its object, before anything else looked inside it
        assertEquals(new StreamEvent(7, StreamResponse.of(task)), new StreamEvent(7, json, mapper));
        assertEquals(new StreamEvent(7, StreamResponse.of(task)).hashCode(), new StreamEvent(7, json, mapper).hashCode());
        assertEquals(StreamResponse.of(task), stored.response());
        assertEquals(TaskState.TASK_STATE_WORKING, stored.response().state());
        // JSON that does not parse goes out as it is, and fails only whoever looks inside
        StreamEvent broken = new StreamEvent(8, "{\"task\":", mapper);
        assertEquals("{\"task\":", broken.json(mapper));
        IllegalStateException e = assertThrows(IllegalStateException.class, broken::response);
        assertTrue(e.getMessage().contains("(8)"), e.getMessage());
    }

    @Test
    void aMessageReadsBackAndExactlyOneIsRequired() throws Exception {
        Message m = Message.agent("m1", "c1", null, List.of(Part.text("hello")));
        String json = mapper.writeValueAsString(SendMessageResponse.of(m));
        assertEquals("{\"message\":" + mapper.writeValueAsString(m) + "}", json);
        assertEquals(SendMessageResponse.of(m), mapper.readValue(json, SendMessageResponse.class));
        assertThrows(Exception.class, () -> mapper.readValue("{}", SendMessageResponse.class));
        assertThrows(IllegalArgumentException.class, () -> new SendMessageResponse(null, null));
    }
}
