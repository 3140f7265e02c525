package io.omniforge.agent;

import io.omniforge.a2a.A2aError;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * A circuit breaker per agent (SmallRye Fault Tolerance's programmatic {@link Guard}, named {@code agent:<name>}):
 * after {@code failure-ratio} of the last {@code request-volume-threshold} calls failed in a way that says the agent is
 * down (unreachable, timed out, an answer that cannot be read; not an A2A error it answered, nor a call the gateway did
 * not make), calls to it fail at once for {@code delay}, then one probe is let through (half-open); enough successful
 * probes close it. A call refused by an open breaker is {@link AgentException.Kind#CIRCUIT_OPEN}, saying so and when
 * the next probe goes. The state shows in {@code GET /api/v1/agents}, the readiness data and a log line per change.
 */
final class AgentBreakers {

    private static final Logger LOG = Logger.getLogger(AgentBreakers.class);
    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    private final AgentConfig.Breaker config;
    private final CircuitBreakerMaintenance maintenance;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final java.util.Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Told of each agent's breaker when it is made (the agent's first call): its metric reads it from then on. */
    private final java.util.function.BiConsumer<String, Supplier<String>> made;

    AgentBreakers(AgentConfig.Breaker config, CircuitBreakerMaintenance maintenance,
            java.util.function.BiConsumer<String, Supplier<String>> made) {
        this.config = config;
        this.maintenance = maintenance;
        this.made = made;
    }

    private static String name(String agent) {
        return "agent:" + agent;
    }

    private Guard guard(String agent) {
        Guard known = guards.get(agent);
        if (known != null) {
            return known;
        }
        Guard guard = guards.computeIfAbsent(agent, a -> Guard.create().withDescription("calls to agent " + a)
                .withCircuitBreaker()
                .name(name(a))
                .requestVolumeThreshold(config.requestVolumeThreshold())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(config.successThreshold())
                .when(AgentBreakers::countsAsDown)
                .onStateChange(state -> LOG.infof("agent %s: circuit breaker %s", a, state))
                .done()
                .build());
        if (registered.add(agent)) {
            made.accept(agent, () -> state(agent));
        }
        return guard;
    }

    /** Failures that say the agent is down; an A2A error it answered, or a call not made, say nothing of it. */
    static boolean countsAsDown(Throwable failure) {
        return failure instanceof AgentException e && switch (e.kind()) {
            case UNREACHABLE, TIMEOUT, INVALID_RESPONSE -> true;
            case REMOTE_ERROR, LIMITED, CIRCUIT_OPEN -> false;
        };
    }

    /** {@code call} through the agent's breaker. */
    @SuppressWarnings("unchecked")
    <T> Uni<T> guarded(String agent, Supplier<Uni<T>> call) {
        if (!config.enabled()) {
            return call.get();
        }
        Uni<Object> guarded = guard(agent).get(() -> (Uni<Object>) call.get(), UNI);
        return ((Uni<T>) guarded).onFailure(CircuitBreakerOpenException.class).transform(f -> new AgentException(
                AgentException.Kind.CIRCUIT_OPEN, agent, A2aError.INTERNAL_ERROR, "agent '" + agent + "' was not called:"
                + " its circuit breaker is open after repeated failures; a probe goes through "
                + io.omniforge.util.Durations.words(config.delay()) + " after it opened"
                + " (omniforge.agent.breaker.*)", null));
    }

    /**
     * For a call whose answer must not pass through the guard (a stream, read from the tick its head arrives in):
     * fails at once, as {@link #guarded} would, while the agent's breaker is open; then the caller tells the
     * breaker how the call went with {@link #record}. Half-open, every such call goes through as a probe.
     */
    Uni<Void> admit(String agent) {
        if (config.enabled() && CircuitBreakerState.OPEN.name().equals(state(agent))) {
            return guarded(agent, () -> Uni.createFrom().voidItem()); // refused by the open breaker, in its words
        }
        return Uni.createFrom().voidItem();
    }

    /** How a call {@link #admit admitted} went ({@code failure} null: it succeeded), for the agent's breaker to count. */
    void record(String agent, Throwable failure) {
        if (!config.enabled()) {
            return;
        }
        guarded(agent, () -> failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().<Void>failure(failure))
                .subscribe().with(ok -> { }, ignored -> { });
    }

    /** The breaker's state: CLOSED, OPEN or HALF_OPEN (CLOSED for an agent not called yet). */
    String state(String agent) {
        if (!config.enabled() || !guards.containsKey(agent)) {
            return CircuitBreakerState.CLOSED.name();
        }
        try {
            return maintenance.currentState(name(agent)).name();
        } catch (RuntimeException e) {
            return CircuitBreakerState.CLOSED.name();
        }
    }
}
