package io.omniforge.agent;

import java.util.List;

/**
 * Turns the lines of a {@code text/event-stream} into the data of each event, as the SSE format says: lines
 * starting with {@code data:} accumulate, a blank line ends the event, comments and other fields are ignored.
 * One decoder per stream; not thread-safe.
 */
final class SseDecoder {

    private final StringBuilder data = new StringBuilder();
    private final int maxEventChars;
    private boolean hasData;

    SseDecoder(int maxEventChars) {
        this.maxEventChars = maxEventChars;
    }

    /** Feeds one line (without its line break); returns the event data it completes, if any. */
    List<String> line(String raw) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        if (line.isEmpty()) {
            if (!hasData) {
                return List.of();
            }
            String event = data.toString();
            data.setLength(0);
            hasData = false;
            return List.of(event);
        }
        if (line.startsWith("data:")) {
            String value = line.substring(5);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
            if (data.length() > maxEventChars) {
                throw new IllegalStateException("an SSE event exceeds " + maxEventChars + " characters");
            }
        }
        return List.of();
    }

    /** At the end of the stream: an event not closed by a blank line still counts. */
    List<String> end() {
        return hasData ? line("") : List.of();
    }
}
