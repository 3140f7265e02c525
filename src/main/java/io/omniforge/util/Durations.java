package io.omniforge.util;

import java.time.Duration;
import java.util.Locale;

/** Durations in messages and log lines, as configuration writes them. */
public final class Durations {

    private Durations() {
    }

    /** {@code 5m}, {@code 30s}, {@code 1h2m}, {@code 0.5s}: the ISO-8601 form without its {@code PT}, in lower case. */
    public static String words(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
