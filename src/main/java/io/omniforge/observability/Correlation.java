package io.omniforge.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * The correlation fields every log line inside a request carries, as MDC keys, and the one place that moves them
 * across threads. On a Vert.x duplicated context Quarkus keeps the MDC per request, so reactive callbacks on that
 * context see what the request put there. Work that leaves the context (the store's reader pool and writer thread,
 * a task's downstream callbacks) {@link #capture() captures} the fields when it is queued and {@link #open(Map)
 * restores} them around the work.
 */
public final class Correlation {

    public static final String TENANT = "tenant";
    public static final String THREAD_ID = "thread_id";
    public static final String TASK_ID = "task_id";
    public static final String AGENT = "agent";
    public static final String TRACE_ID = "trace_id";
    /** Reserved for the orchestration feature: the id of one orchestration run. */
    public static final String ORCHESTRATION_ID = "orchestration_id";
    /** Reserved for the handoff feature: the id of one handoff. */
    public static final String HANDOFF_ID = "handoff_id";

    /** Every correlation key, in the order the docs list them. */
    public static final List<String> KEYS = List.of(TENANT, THREAD_ID, TASK_ID, ORCHESTRATION_ID, HANDOFF_ID, AGENT,
            TRACE_ID);

    private Correlation() {
    }

    /** Sets one field for the rest of the current request (or thread); a null or blank value removes it. */
    public static void put(String key, String value) {
        if (value == null || value.isBlank()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Sets {@code trace_id} from the current OpenTelemetry span, when there is a valid one. */
    public static void putTraceId() {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
        }
    }

    /** The correlation fields set now, to restore on another thread. */
    public static Map<String, String> capture() {
        Map<String, String> fields = new HashMap<>(KEYS.size());
        for (String key : KEYS) {
            Object value = MDC.get(key);
            if (value != null) {
                fields.put(key, value.toString());
            }
        }
        return Map.copyOf(fields);
    }

    /** {@code base} with the given pairs (key, value, key, value...) added; null values are left out. */
    public static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> fields = new HashMap<>(base);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                fields.put(pairs[i], pairs[i + 1]);
            }
        }
        return Map.copyOf(fields);
    }

    /**
     * Makes exactly {@code fields} the correlation of the current thread until the returned scope is closed, which
     * puts back what was there before. Keys absent from {@code fields} are cleared meanwhile, so a pooled thread
     * never shows a previous request's ids.
     */
    public static Scope open(Map<String, String> fields) {
        Map<String, Object> previous = new HashMap<>(KEYS.size());
        for (String key : KEYS) {
            Object before = MDC.get(key);
            if (before != null) {
                previous.put(key, before);
            }
            String value = fields.get(key);
            if (value != null) {
                MDC.put(key, value);
            } else if (before != null) {
                MDC.remove(key);
            }
        }
        return () -> {
            for (String key : KEYS) {
                Object before = previous.get(key);
                if (before != null) {
                    MDC.put(key, before);
                } else {
                    MDC.remove(key);
                }
            }
        };
    }

    /** {@code work}, run later and elsewhere with the correlation captured now. */
    public static Runnable wrap(Runnable work) {
        return wrap(capture(), work);
    }

    public static Runnable wrap(Map<String, String> fields, Runnable work) {
        return () -> {
            try (Scope ignored = open(fields)) {
                work.run();
            }
        };
    }

    public static <T> Consumer<T> wrap(Map<String, String> fields, Consumer<T> work) {
        return item -> {
            try (Scope ignored = open(fields)) {
                work.accept(item);
            }
        };
    }

    public static <T, U> BiConsumer<T, U> wrap(Map<String, String> fields, BiConsumer<T, U> work) {
        return (t, u) -> {
            try (Scope ignored = open(fields)) {
                work.accept(t, u);
            }
        };
    }

    public static <T> T call(Map<String, String> fields, Supplier<T> work) {
        try (Scope ignored = open(fields)) {
            return work.get();
        }
    }

    /** Restores the previous correlation when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
