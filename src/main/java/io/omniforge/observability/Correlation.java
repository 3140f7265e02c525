package io.omniforge.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
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
 * restores} them around the work. An operation that outlives its request's call stack (an orchestration, a handoff)
 * keeps its own fields in its OpenTelemetry context beside its span ({@link #carried}): wherever its pipeline is built
 * and subscribed {@link Telemetry#within within} that context, its fields are the correlation, so the calls it makes
 * (and their {@code agent.call.failed} lines) carry them too.
 */
public final class Correlation {

    public static final String TENANT = "tenant";
    public static final String THREAD_ID = "thread_id";
    public static final String TASK_ID = "task_id";
    public static final String AGENT = "agent";
    public static final String TRACE_ID = "trace_id";
    /** The id of one orchestration: its task's id. */
    public static final String ORCHESTRATION_ID = "orchestration_id";
    /** The id of one handoff, as in the thread's handoff history. */
    public static final String HANDOFF_ID = "handoff_id";

    /** Every correlation key, in the order the docs list them. */
    public static final List<String> KEYS = List.of(TENANT, THREAD_ID, TASK_ID, ORCHESTRATION_ID, HANDOFF_ID, AGENT,
            TRACE_ID);

    private static final String[] KEY_ARRAY = KEYS.toArray(String[]::new);
    /** In a scope's memory of what it changed: the key had no value before. */
    private static final Object CLEARED = new Object();
    /** The fields an operation carries in its OpenTelemetry context. */
    private static final ContextKey<Map<String, String>> CARRIED = ContextKey.named("omniforge.correlation");
    private static final Scope NOTHING = () -> { };

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
        // Only the keys whose value differs are touched: a callback on its own request's context usually finds every
        // field as it should be, and each MDC change costs a map update on the context.
        Object[] previous = null;
        for (int i = 0; i < KEY_ARRAY.length; i++) {
            String key = KEY_ARRAY[i];
            Object before = MDC.get(key);
            String value = fields.get(key);
            if (value == null ? before == null : value.equals(before)) {
                continue;
            }
            if (previous == null) {
                previous = new Object[KEY_ARRAY.length]; // null: that key was left as it was
            }
            previous[i] = before == null ? CLEARED : before;
            if (value != null) {
                MDC.put(key, value);
            } else {
                MDC.remove(key);
            }
        }
        Object[] changed = previous;
        return () -> {
            // What was there before: the value open() replaced, else the one it found (and left) in place. The
            // work inside may have changed any key; only what differs now is put back.
            for (int i = 0; i < KEY_ARRAY.length; i++) {
                Object before = changed == null || changed[i] == null ? fields.get(KEY_ARRAY[i]) : changed[i];
                Object now = MDC.get(KEY_ARRAY[i]);
                if (before == CLEARED || before == null) {
                    if (now != null) {
                        MDC.remove(KEY_ARRAY[i]);
                    }
                } else if (!before.equals(now)) {
                    MDC.put(KEY_ARRAY[i], before);
                }
            }
        };
    }

    /** {@code context} carrying {@code fields}: they become the correlation wherever the context is opened. */
    static Context carrying(Context context, Map<String, String> fields) {
        return fields == null ? context : context.with(CARRIED, fields);
    }

    /** The fields {@code context} carries, made the correlation until the scope is closed; nothing when it has none. */
    static Scope carried(Context context) {
        Map<String, String> fields = context.get(CARRIED);
        return fields == null ? NOTHING : open(fields);
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
