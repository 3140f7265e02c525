package io.omniforge.stream;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.smallrye.mutiny.Multi;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many subscriptions follow each task in this process ({@code omniforge.limits.max-subscribers-per-task}): one
 * more fails at once with -32004, before its first event, instead of adding to the task's waiters without bound.
 */
final class Subscribers {

    private final int max;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    Subscribers(int max) {
        this.max = max;
    }

    /** {@code stream}, counted from its subscription to its end (completed, failed or canceled by the client). */
    <T> Multi<T> admit(String taskId, Multi<T> stream) {
        return Multi.createFrom().deferred(() -> {
            AtomicBoolean admitted = new AtomicBoolean();
            AtomicInteger found = new AtomicInteger();
            counts.compute(taskId, (id, n) -> {
                int now = n == null ? 0 : n;
                found.set(now);
                if (now >= max) {
                    return n;
                }
                admitted.set(true);
                return now + 1;
            });
            if (!admitted.get()) {
                // actual: the subscriptions this one would make, as every limit error counts what it found.
                String actual = String.valueOf(found.get() + 1);
                return Multi.createFrom().failure(new A2aException(A2aError.UNSUPPORTED_OPERATION, "task " + taskId
                        + " already has " + found.get() + " subscriptions here, the limit (omniforge.limits.max-subscribers-per-task)"
                        + " is " + max + "; close one, or read the task with GetTask", Map.of("taskId", taskId,
                        "field", "subscriptions", "limit", "omniforge.limits.max-subscribers-per-task",
                        "max", String.valueOf(max), "actual", actual), null));
            }
            AtomicBoolean released = new AtomicBoolean();
            return stream.onTermination().invoke(() -> {
                if (released.compareAndSet(false, true)) {
                    counts.computeIfPresent(taskId, (id, n) -> n <= 1 ? null : n - 1);
                }
            });
        });
    }

    /** The streams following a task now. */
    int count(String taskId) {
        return counts.getOrDefault(taskId, 0);
    }
}
