package io.omniforge.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Metrics and spans of the gateway, in one place: the names are constants here and listed in docs/OPERATIONS.md.
 */
@ApplicationScoped
public class Telemetry {

    /** Timer: every downstream call (JSON-RPC call, stream to its end, card fetch); tags agent, method, outcome. */
    public static final String AGENT_CALLS = "omniforge.agent.calls";
    /** Gauge: an agent's circuit breaker, 0 closed, 1 half-open, 2 open; tag agent. */
    public static final String AGENT_BREAKER = "omniforge.agent.breaker.state";
    /** Gauge: SSE streams open now; tag path (the JSON-RPC path that serves them). */
    public static final String SSE_STREAMS_OPEN = "omniforge.sse.streams.open";
    /** Counter: upstream tasks that reached a terminal state; tags agent, outcome. */
    public static final String TASKS = "omniforge.tasks";
    /** Timer: orchestration duration; tags strategy, outcome. */
    public static final String ORCHESTRATIONS = "omniforge.orchestrations";
    /** Counter: handoffs; tags outcome. */
    public static final String HANDOFFS = "omniforge.handoffs";
    /** Counter: values redacted by the context sanitizer; tag kind. */
    public static final String SANITIZER_REDACTIONS = "omniforge.sanitizer.redactions";
    /** Requests refused by a rate limit, by {@code scope}: {@code tenant} or {@code caller}. */
    public static final String RATE_LIMITED = "omniforge.rate.limited";

    /** The span attribute naming the agent of a downstream call. */
    static final String ATTR_AGENT = "omniforge.agent";
    /** The span attribute saying how a call, an orchestration or a handoff ended. */
    static final String ATTR_OUTCOME = "omniforge.outcome";
    /** Span: one orchestration, {@code orchestration <strategy>}, from its plan to its final (or paused) state. */
    public static final String SPAN_ORCHESTRATION = "orchestration";
    /** Span: the decision on one handoff, {@code handoff <from> -> <to>}, from its request to its record. */
    public static final String SPAN_HANDOFF = "handoff";

    private final MeterRegistry registry;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final AuditLog audit;
    private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();

    public Telemetry(MeterRegistry registry, OpenTelemetry openTelemetry, AuditLog audit) {
        this.registry = registry;
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.omniforge");
        this.audit = audit;
    }

    /**
     * Starts observing one downstream call: a CLIENT span, child of the current span (the upstream request's when
     * there is one), and the clock of the {@value #AGENT_CALLS} timer. Call it when the call is subscribed; end it
     * exactly once (later calls are ignored).
     */
    public AgentCall agentCall(String agent, String method) {
        return start(agent, method, true);
    }

    /**
     * Like {@link #agentCall}, for a card fetch: timed and traced, but a failure is no audit event (the registry
     * records it in the agent's state, and refreshes of an agent that is down would repeat it).
     */
    public AgentCall cardFetch(String agent, String method) {
        return start(agent, method, false);
    }

    private AgentCall start(String agent, String method, boolean audited) {
        Span span = tracer.spanBuilder("A2A " + method)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current())
                .setAttribute(ATTR_AGENT, agent)
                .setAttribute("rpc.system", "jsonrpc")
                .setAttribute("rpc.method", method)
                .startSpan();
        return new AgentCall(this, agent, method, span, Correlation.capture(), audited, System.nanoTime());
    }

    /**
     * Runs an orchestration under its span {@code orchestration <strategy>} (attributes: its id, strategy, flow,
     * number of agents, and outcome), a child of the current span. {@code work} reports the outcome and makes its agent
     * calls children of the span ({@link Traced#within}).
     */
    public <T> Uni<T> orchestration(String id, String strategy, String flow, int agents, Map<String, String> correlation,
            Function<Traced, Uni<T>> work) {
        return traced(correlation, () -> {
            SpanBuilder span = tracer.spanBuilder(SPAN_ORCHESTRATION + " " + strategy)
                    .setAttribute("omniforge.orchestration.id", id)
                    .setAttribute("omniforge.orchestration.strategy", strategy)
                    .setAttribute("omniforge.orchestration.agents", agents);
            return flow == null ? span : span.setAttribute("omniforge.orchestration.flow", flow);
        }, work);
    }

    /**
     * Decides a handoff under its span {@code handoff <from> -> <to>} (attributes: its id, from, to, who asked, and
     * the outcome: accepted, rejected or returned), a child of the current span. A missing agent is named {@code none}.
     */
    public <T> Uni<T> handoff(String id, String from, String to, String requestedBy, Map<String, String> correlation,
            Function<Traced, Uni<T>> work) {
        String source = from == null ? "none" : from;
        String target = to == null ? "none" : to;
        return traced(correlation, () -> tracer.spanBuilder(SPAN_HANDOFF + " " + source + " -> " + target)
                .setAttribute("omniforge.handoff.id", id)
                .setAttribute("omniforge.handoff.from", source)
                .setAttribute("omniforge.handoff.to", target)
                .setAttribute("omniforge.handoff.requested_by", requestedBy), work);
    }

    /**
     * Starts the span when the work is subscribed, runs the work under it (with {@code correlation}, when not null, as
     * the log correlation while the work is built and subscribed), and ends it when the work ends.
     */
    private <T> Uni<T> traced(Map<String, String> correlation, Supplier<SpanBuilder> builder, Function<Traced, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context parent = Context.current();
            Traced traced = new Traced(builder.get().setSpanKind(SpanKind.INTERNAL).setParent(parent).startSpan(), parent,
                    correlation);
            return traced.withinUni(() -> work.apply(traced))
                    .onTermination().invoke((item, failure, canceled) -> traced.end(failure, canceled));
        });
    }

    /**
     * The pipeline {@code upstream} builds, built and subscribed with {@code parent} as the current OpenTelemetry
     * context: the spans it starts (downstream calls) are children of {@code parent}'s span, on whatever thread and
     * in whatever request it is subscribed. A deferred call starts its span when it is subscribed, and Mutiny's
     * callbacks do not carry the OpenTelemetry context by themselves (context propagation is off for them, see
     * application.properties), so the context must be current at build and at subscription. When {@code parent}
     * carries an operation's correlation fields (see {@link Correlation}), they are the log correlation meanwhile.
     */
    public static <T> Multi<T> within(Context parent, Supplier<Multi<T>> upstream) {
        return Multi.createFrom().publisher(subscriber -> {
            try (Scope ignored = parent.makeCurrent(); Correlation.Scope fields = Correlation.carried(parent)) {
                upstream.get().subscribe(subscriber);
            }
        });
    }

    /** Writes the W3C trace context of {@code span} (traceparent, and baggage when there is some) as headers. */
    void inject(Span span, BiConsumer<String, String> headers) {
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current().with(span), headers,
                (carrier, key, value) -> carrier.accept(key, value));
    }

    void recordCall(String agent, String method, String outcome, long nanos) {
        Timer.builder(AGENT_CALLS)
                .description("Downstream A2A calls: JSON-RPC calls, streams until they end, and card fetches")
                .tag("agent", agent).tag("method", method).tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void callFailed(AgentCall call, String outcome, Integer code) {
        try (Correlation.Scope ignored = Correlation.open(Correlation.with(call.correlation(),
                Correlation.AGENT, call.agent()))) {
            Map<String, Object> fields = code == null
                    ? Map.of("agent", call.agent(), "method", call.method(), "outcome", outcome)
                    : Map.of("agent", call.agent(), "method", call.method(), "outcome", outcome, "code", code);
            audit.record(AuditEvent.AGENT_CALL_FAILED, fields);
        }
    }

    /**
     * Gauge {@value #AGENT_BREAKER} of {@code agent}'s circuit breaker, read from {@code state} at each scrape: 0
     * closed, 1 half-open, 2 open. Registered once per agent, with the breaker (its first call).
     */
    public void agentBreaker(String agent, java.util.function.Supplier<String> state) {
        io.micrometer.core.instrument.Gauge.builder(AGENT_BREAKER, () -> switch (state.get()) {
            case "OPEN" -> 2;
            case "HALF_OPEN" -> 1;
            default -> 0;
        }).tag("agent", agent).description("circuit breaker of the agent: 0 closed, 1 half-open, 2 open")
                .register(registry);
    }

    /**
     * One SSE stream opened on {@code path}; run the returned action when it ends, however it ends. It decrements
     * the {@value #SSE_STREAMS_OPEN} gauge once, whatever the number of calls.
     */
    public Runnable sseStreamOpened(String path) {
        AtomicInteger open = openStreams.computeIfAbsent(path, p -> registry.gauge(SSE_STREAMS_OPEN,
                List.of(Tag.of("path", p)), new AtomicInteger()));
        open.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
    }

    /** An upstream task reached a terminal state ({@code TASK_STATE_COMPLETED} counts as outcome "completed"). */
    public void taskFinished(String agent, String state) {
        String outcome = state.startsWith("TASK_STATE_") ? state.substring("TASK_STATE_".length()) : state;
        Counter.builder(TASKS)
                .description("Upstream tasks that reached a terminal state")
                .tag("agent", agent == null ? "none" : agent)
                .tag("outcome", outcome.toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    /** An orchestration ended: its duration, by strategy and outcome ({@value #ORCHESTRATIONS}). */
    public void orchestrationFinished(String strategy, String outcome, long nanos) {
        io.micrometer.core.instrument.Timer.builder(ORCHESTRATIONS)
                .description("Orchestrations, by strategy and outcome")
                .tag("strategy", strategy)
                .tag("outcome", outcome)
                .register(registry)
                .record(java.time.Duration.ofNanos(nanos));
    }

    /** A handoff reached a state ({@value #HANDOFFS}, by outcome: accepted, rejected, returned, completed, failed). */
    public void handoff(String outcome) {
        Counter.builder(HANDOFFS)
                .description("Handoffs, by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /** The context sanitizer redacted {@code count} values of one kind ({@value #SANITIZER_REDACTIONS}). */
    public void redacted(String kind, int count) {
        Counter.builder(SANITIZER_REDACTIONS)
                .description("Values the context sanitizer redacted, by kind")
                .tag("kind", kind)
                .register(registry)
                .increment(count);
    }
}
