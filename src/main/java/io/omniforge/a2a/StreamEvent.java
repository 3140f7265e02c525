package io.omniforge.a2a;

/**
 * One event of a task's stream with its per-task sequence number, which is the SSE {@code id:}; a sequence of
 * zero or less means the event carries no id (agents that do not persist their streams).
 */
public record StreamEvent(long seq, StreamResponse response) {

    public static StreamEvent unnumbered(StreamResponse response) {
        return new StreamEvent(0, response);
    }

    public boolean hasId() {
        return seq > 0;
    }
}
