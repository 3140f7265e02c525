package io.omniforge.agent;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.omniforge.a2a.A2aError;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How many calls each agent takes at once and per second ({@code omniforge.agent.max-concurrent-calls} and
 * {@code max-calls-per-second}, or the agent's own): a call over a limit is not made and fails at once with
 * {@link AgentException.Kind#LIMITED} (-32052), naming the agent, the limit and its key, so that a flood of work for one
 * agent neither piles up in the gateway nor reaches the agent. A stream holds its place until it ends. Never blocks.
 */
final class AgentLimits {

    private record Limiter(Semaphore concurrent, int maxConcurrent, String concurrentKey, Bucket rate, int perSecond,
            String rateKey) {
    }

    private static final Limiter NONE = new Limiter(null, 0, null, null, 0, null);

    private final AgentConfig config;
    private final AgentsConfig agents;
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();

    AgentLimits(AgentConfig config, AgentsConfig agents) {
        this.config = config;
        this.agents = agents;
    }

    private Limiter limiter(String agent) {
        return limiters.computeIfAbsent(agent, a -> {
            AgentsConfig.Declared own = agents.declared().get(a);
            OptionalInt concurrent = own != null && own.maxConcurrentCalls().isPresent() ? own.maxConcurrentCalls()
                    : config.maxConcurrentCalls();
            String concurrentKey = own != null && own.maxConcurrentCalls().isPresent()
                    ? "omniforge.agents." + a + ".max-concurrent-calls" : "omniforge.agent.max-concurrent-calls";
            OptionalInt rate = own != null && own.maxCallsPerSecond().isPresent() ? own.maxCallsPerSecond()
                    : config.maxCallsPerSecond();
            String rateKey = own != null && own.maxCallsPerSecond().isPresent()
                    ? "omniforge.agents." + a + ".max-calls-per-second" : "omniforge.agent.max-calls-per-second";
            if (concurrent.isEmpty() && rate.isEmpty()) {
                return NONE;
            }
            return new Limiter(concurrent.isPresent() ? new Semaphore(Math.max(1, concurrent.getAsInt())) : null,
                    concurrent.orElse(0), concurrentKey,
                    rate.isPresent() ? Bucket.builder().addLimit(Bandwidth.builder().capacity(Math.max(1, rate.getAsInt()))
                            .refillGreedy(Math.max(1, rate.getAsInt()), Duration.ofSeconds(1)).build()).build() : null,
                    rate.orElse(0), rateKey);
        });
    }

    /**
     * Takes a place for one call to {@code agent}; the returned action gives it back (once, however often it runs).
     *
     * @throws AgentException {@link AgentException.Kind#LIMITED} when the agent is at a limit
     */
    Runnable admit(String agent) {
        Limiter l = limiter(agent);
        if (l == NONE) {
            return () -> { };
        }
        if (l.rate() != null) {
            ConsumptionProbe probe = l.rate().tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                long ms = Math.max(1, probe.getNanosToWaitForRefill() / 1_000_000);
                throw limited(agent, "its limit of " + l.perSecond() + " calls per second (" + l.rateKey() + "); retry in "
                        + ms + " ms", ms);
            }
        }
        if (l.concurrent() != null && !l.concurrent().tryAcquire()) {
            throw limited(agent, "its limit of " + l.maxConcurrent() + " calls at once (" + l.concurrentKey() + ")", 1000);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (l.concurrent() != null && released.compareAndSet(false, true)) {
                l.concurrent().release();
            }
        };
    }

    private static AgentException limited(String agent, String which, long retryMs) {
        return new AgentException(AgentException.Kind.LIMITED, agent, A2aError.RATE_LIMITED,
                "agent '" + agent + "' was not called: it is at " + which,
                Map.of("retryAfterSeconds", Long.toString(Math.max(1, (retryMs + 999) / 1000))), null);
    }

    /** {@code call}, made only with a place, which it gives back when it ends however it ends. */
    <T> Uni<T> admitted(String agent, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(() -> {
            Runnable release = admit(agent);
            return call.get().onTermination().invoke(release);
        });
    }
}
