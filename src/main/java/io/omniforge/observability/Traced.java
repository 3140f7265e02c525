package io.omniforge.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The span of one operation that outlives a request's call stack (an orchestration, a handoff): started when its
 * pipeline is subscribed, ended once when the pipeline ends, with the outcome its work reported. The calls the work
 * makes are its children where the work builds them {@link #within} the span: a pipeline that goes on in callbacks
 * of other requests or threads does not carry the span by itself. Those calls also log with the operation's
 * correlation fields, which the span's context carries (see {@link Correlation}).
 */
public final class Traced {

    /** The outcome of work whose pipeline failed. */
    private static final String ERROR = "error";
    /** The outcome of work whose subscriber went away (a canceled task). */
    private static final String CANCELED = "canceled";

    private final Span span;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile String outcome;
    private final Map<String, String> correlation;

    Traced(Span span, Context parent, Map<String, String> correlation) {
        this.span = span;
        this.context = Correlation.carrying(parent.with(span), correlation);
        this.correlation = correlation;
    }

    /** The operation's log correlation (null: none of its own), for lines its callbacks write outside {@link #within}. */
    public Map<String, String> correlation() {
        return correlation;
    }

    /** How the work ended (for example {@code completed}, {@code rejected}); recorded when the span ends. */
    public void outcome(String value) {
        outcome = value;
    }

    /**
     * The pipeline {@code calls} builds, with this span current: the spans it starts are this span's children, and the
     * lines logged while it is built and subscribed carry the operation's correlation.
     */
    public <T> Multi<T> within(Supplier<Multi<T>> calls) {
        return Telemetry.within(context, calls);
    }

    /** As {@link #within}, for a Uni. */
    public <T> Uni<T> withinUni(Supplier<Uni<T>> call) {
        return Telemetry.within(context, () -> call.get().toMulti()).toUni();
    }

    void end(Throwable failure, boolean canceled) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        String result = failure != null ? ERROR : canceled ? CANCELED : outcome;
        if (result != null) {
            span.setAttribute(Telemetry.ATTR_OUTCOME, result);
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}
