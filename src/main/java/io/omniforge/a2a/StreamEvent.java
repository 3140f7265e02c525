package io.omniforge.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One event of a task's stream with its per-task sequence number, which is the SSE {@code id:}; a sequence of
 * zero or less means the event carries no id (agents that do not persist their streams).
 *
 * <p>An event is serialized once: the store and every subscriber's stream use the same JSON ({@link #json},
 * {@link #jsonBytes}), made on first use (an event read from the store keeps the JSON it was read from, and is
 * parsed only if something looks inside it).
 */
public final class StreamEvent {

    private final long seq;
    private volatile StreamResponse response;
    /** For an event known only as its JSON: what parses it when its response is first asked for. */
    private final ObjectMapper reader;
    private volatile String json;
    private volatile byte[] jsonBytes;

    public StreamEvent(long seq, StreamResponse response) {
        this.seq = seq;
        this.response = response;
        this.reader = null;
    }

    /** An event with the JSON it is (or was) stored as. */
    public StreamEvent(long seq, StreamResponse response, String json) {
        this(seq, response);
        this.json = json;
    }

    /**
     * An event read back from the store, as its JSON, parsed with {@code reader} only when its response is asked
     * for: a tail passes most events on as they are, and a hundred tails of one task each read their own copy.
     */
    public StreamEvent(long seq, String json, ObjectMapper reader) {
        this.seq = seq;
        this.json = Objects.requireNonNull(json);
        this.reader = Objects.requireNonNull(reader);
    }

    /** The event that carries a whole task, from the task's JSON (as the same mapper writes it): no second pass. */
    public static StreamEvent ofTask(long seq, Task task, String taskJson) {
        return new StreamEvent(seq, StreamResponse.of(task), "{\"task\":" + taskJson + "}");
    }

    public static StreamEvent unnumbered(StreamResponse response) {
        return new StreamEvent(0, response);
    }

    public long seq() {
        return seq;
    }

    public StreamResponse response() {
        StreamResponse r = response;
        if (r == null) {
            try {
                r = reader.readValue(json, StreamResponse.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored stream event (" + seq + ") is not valid JSON", e);
            }
            response = r;
        }
        return r;
    }

    public boolean hasId() {
        return seq > 0;
    }

    /** The response as JSON, serialized with {@code mapper} the first time it is asked for. */
    public String json(ObjectMapper mapper) {
        String j = json;
        if (j == null) {
            try {
                j = mapper.writeValueAsString(response);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize a stream event", e);
            }
            json = j;
        }
        return j;
    }

    /** {@link #json} as UTF-8. */
    public byte[] jsonBytes(ObjectMapper mapper) {
        byte[] b = jsonBytes;
        if (b == null) {
            b = json(mapper).getBytes(StandardCharsets.UTF_8);
            jsonBytes = b;
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamEvent e && e.seq == seq && Objects.equals(e.response(), response());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Objects.hashCode(response());
    }

    @Override
    public String toString() {
        StreamResponse r = response;
        return "StreamEvent[seq=" + seq + (r != null ? ", response=" + r : ", json=" + json) + "]";
    }
}
