package io.omniforge.demo;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The ways the flaky demo agent fails, by the names used in configuration and in {@code fail:<mode>} messages. */
public enum FlakyMode {
    /** A JSON-RPC error -32603. */
    ERROR("error"),
    /** HTTP 200 with JSON that is not an A2A result. */
    MALFORMED("malformed"),
    /** A stream that sends the Task and one more event, then loses its connection (SendMessage: like ERROR). */
    BREAK_STREAM("break-stream"),
    /** HTTP 500 with a plain-text body. */
    HTTP_500("http-500");

    private final String wireName;

    FlakyMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<FlakyMode> fromWire(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equalsIgnoreCase(name.trim())).findFirst();
    }

    static String allWireNames() {
        return Arrays.stream(values()).map(FlakyMode::wireName).collect(Collectors.joining(", "));
    }
}
