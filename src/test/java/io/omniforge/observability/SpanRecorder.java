package io.omniforge.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Test only: keeps the last {@value #MAX} spans that ended, in memory. Quarkus adds every CDI {@link SpanProcessor} to
 * its tracer provider whatever the exporter, so the tests see the spans while the build keeps
 * {@code quarkus.otel.traces.exporter=none}.
 */
@Unremovable
@ApplicationScoped
public class SpanRecorder implements SpanProcessor {

    static final int MAX = 2000;

    private final ConcurrentLinkedDeque<SpanData> ended = new ConcurrentLinkedDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Predicate<SpanData> test, CompletableFuture<SpanData> found) {
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        SpanData data = span.toSpanData();
        ended.addLast(data);
        while (ended.size() > MAX) {
            ended.pollFirst();
        }
        synchronized (waiters) {
            waiters.removeIf(w -> w.test().test(data) && w.found().complete(data));
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    /** The first span that ended, or ends within 10 s, matching {@code test}. */
    SpanData await(Predicate<SpanData> test) throws Exception {
        CompletableFuture<SpanData> found = new CompletableFuture<>();
        synchronized (waiters) {
            ended.stream().filter(test).findFirst().ifPresentOrElse(found::complete,
                    () -> waiters.add(new Waiter(test, found)));
        }
        try {
            return found.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no such span within 10 s; the latest: " + ended.stream().skip(Math.max(0, ended.size() - 30))
                    .map(d -> d.getName() + " " + d.getTraceId() + "/" + d.getSpanId() + "<-" + d.getParentSpanId()
                            + " " + d.getAttributes()).toList());
        }
    }

    /** The spans that ended so far matching {@code test}. */
    List<SpanData> ended(Predicate<SpanData> test) {
        return ended.stream().filter(test).toList();
    }
}
