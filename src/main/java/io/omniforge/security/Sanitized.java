package io.omniforge.security;

import io.omniforge.a2a.Message;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A message as the receiving agent may see it, and what was taken out of it: each kind ({@code EMAIL},
 * {@code AWS_ACCESS_KEY}...) with the number of its findings, sorted by kind. Never the values.
 */
public record Sanitized(Message message, Map<String, Integer> counts) {

    public Sanitized {
        counts = counts == null || counts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** The message as it was: nothing to redact. */
    public static Sanitized unchanged(Message message) {
        return new Sanitized(message, Map.of());
    }

    public boolean redacted() {
        return !counts.isEmpty();
    }

    /** The number of findings of every kind. */
    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * {@code counts} of several crossings added up (null when there are none), for a record that shows the sum; the
     * result is sorted by kind.
     */
    public static Map<String, Integer> sum(Iterable<Map<String, Integer>> counts) {
        Map<String, Integer> sum = new TreeMap<>();
        for (Map<String, Integer> c : counts) {
            if (c != null) {
                c.forEach((kind, n) -> sum.merge(kind, n, Integer::sum));
            }
        }
        return sum.isEmpty() ? null : Collections.unmodifiableMap(sum);
    }
}
