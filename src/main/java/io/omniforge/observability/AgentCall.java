package io.omniforge.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One downstream call being observed: its span, its timer and its correlation fields as they were when the call
 * started. The first of {@link #succeeded()}, {@link #failed(String, Integer)} and {@link #cancelled()} ends it; the
 * rest are ignored, so a call is counted exactly once however its pipeline ends.
 */
public final class AgentCall {

    /** The outcome of a call that succeeded. */
    public static final String SUCCESS = "success";
    /** The outcome of a call whose subscriber cancelled it (a stream the task stopped following). */
    public static final String CANCELLED = "cancelled";

    private final Telemetry telemetry;
    private final String agent;
    private final String method;
    private final Span span;
    private final Map<String, String> correlation;
    private final boolean audited;
    private final long start;
    private final AtomicBoolean ended = new AtomicBoolean();

    AgentCall(Telemetry telemetry, String agent, String method, Span span, Map<String, String> correlation,
            boolean audited, long start) {
        this.telemetry = telemetry;
        this.agent = agent;
        this.method = method;
        this.span = span;
        this.correlation = correlation;
        this.audited = audited;
        this.start = start;
    }

    String agent() {
        return agent;
    }

    String method() {
        return method;
    }

    Map<String, String> correlation() {
        return correlation;
    }

    /** Adds this call's W3C {@code traceparent} (child of the upstream request's trace) to the outgoing headers. */
    public void inject(BiConsumer<String, String> headers) {
        telemetry.inject(span, headers);
    }

    public void succeeded() {
        end(SUCCESS, null, false);
    }

    /**
     * The call failed. {@code outcome} is a short kind (unreachable, timeout, invalid_response, remote_error, error),
     * {@code code} the JSON-RPC error code when there is one. The audit event {@code agent.call.failed} is logged
     * (not for a card fetch).
     */
    public void failed(String outcome, Integer code) {
        end(outcome, code, true);
    }

    public void cancelled() {
        end(CANCELLED, null, false);
    }

    private void end(String outcome, Integer code, boolean failure) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        long nanos = System.nanoTime() - start;
        span.setAttribute(Telemetry.ATTR_OUTCOME, outcome);
        if (failure) {
            span.setStatus(StatusCode.ERROR, outcome);
        }
        span.end();
        telemetry.recordCall(agent, method, outcome, nanos);
        if (failure && audited) {
            telemetry.callFailed(this, outcome, code);
        }
    }
}
