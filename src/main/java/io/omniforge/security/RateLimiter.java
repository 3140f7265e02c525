package io.omniforge.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request rate limits of {@link RateLimitConfig}: one Bucket4j token bucket per tenant and one per caller, taken
 * from before a request runs. A refusal is {@link A2aError#RATE_LIMITED} (HTTP 429) with the seconds to wait. The
 * tenant's bucket is only drawn from when the caller's has a token, so a caller over its own limit does not use up
 * its tenant's. This process's own loopback calls (a nested flow) were counted as the request that made them, and
 * are not counted again. Never blocks.
 */
@ApplicationScoped
public class RateLimiter {

    /** Which limit refused: the metric's {@code scope} tag and the ErrorInfo's {@code limit}. */
    enum Scope { TENANT, CALLER }

    private final RateLimitConfig config;
    private final MeterRegistry metrics;
    private final Map<String, Tracked> tenants = new ConcurrentHashMap<>();
    private final Map<String, Tracked> callers = new ConcurrentHashMap<>();

    /** A bucket and its capacity: when it holds that many tokens it is idle, and may be forgotten. */
    private record Tracked(Bucket bucket, long capacity) {
        boolean idle() {
            return bucket.getAvailableTokens() >= capacity;
        }
    }
    private final boolean any;

    public RateLimiter(RateLimitConfig config, MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
        this.any = config.tenant().requests().isPresent() || config.caller().requests().isPresent()
                || config.tenants().values().stream().anyMatch(l -> l.requests().isPresent())
                || config.callers().values().stream().anyMatch(l -> l.requests().isPresent());
        validate("omniforge.rate-limits.tenant", config.tenant());
        validate("omniforge.rate-limits.caller", config.caller());
        config.tenants().forEach((t, l) -> validate("omniforge.rate-limits.tenants." + t, l));
        config.callers().forEach((c, l) -> validate("omniforge.rate-limits.callers." + c, l));
    }

    private static void validate(String key, RateLimitConfig.Limit limit) {
        if (limit.requests().isPresent() && limit.requests().getAsLong() < 1) {
            throw new IllegalArgumentException(key + ".requests must be at least 1, or unset for no limit");
        }
        if (limit.burst().isPresent() && limit.burst().getAsLong() < 1) {
            throw new IllegalArgumentException(key + ".burst must be at least 1");
        }
        if (limit.per().isNegative() || limit.per().isZero()) {
            throw new IllegalArgumentException(key + ".per must be a positive duration, e.g. 1S or 1M");
        }
        if (limit.concurrentTasks().isPresent() && limit.concurrentTasks().getAsInt() < 1) {
            throw new IllegalArgumentException(key + ".concurrent-tasks must be at least 1, or unset for no limit");
        }
    }

    /**
     * Takes one request from the caller's and its tenant's buckets.
     *
     * @throws A2aException {@link A2aError#RATE_LIMITED} naming the limit and the seconds to wait
     */
    public void admit(Caller caller) {
        if (!any || caller.scheme() == Caller.Scheme.INTERNAL || caller.scheme() == Caller.Scheme.SYSTEM) {
            return;
        }
        String who = caller.principal();
        Optional<RateLimitConfig.Limit> own = Optional.ofNullable(config.callers().get(who))
                .flatMap(RateLimitConfig.Limit::ifSet).or(() -> config.caller().ifSet());
        Optional<RateLimitConfig.Limit> tenant = Optional.ofNullable(config.tenants().get(caller.tenant()))
                .flatMap(RateLimitConfig.Limit::ifSet).or(() -> config.tenant().ifSet());
        Bucket callerBucket = own.map(l -> bucket(callers, caller.tenant() + "\u0000" + who, l)).orElse(null);
        if (callerBucket != null) {
            refuseUnless(callerBucket.tryConsumeAndReturnRemaining(1), Scope.CALLER, own.get(),
                    "caller '" + who + "'");
        }
        if (tenant.isPresent()) {
            ConsumptionProbe probe = bucket(tenants, caller.tenant(), tenant.get()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed() && callerBucket != null) {
                callerBucket.addTokens(1);
            }
            refuseUnless(probe, Scope.TENANT, tenant.get(), "tenant '" + caller.tenant() + "'");
        }
    }

    private void refuseUnless(ConsumptionProbe probe, Scope scope, RateLimitConfig.Limit limit, String whose) {
        if (probe.isConsumed()) {
            return;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        metrics.counter(io.omniforge.observability.Telemetry.RATE_LIMITED, "scope", scope.name().toLowerCase(java.util.Locale.ROOT)).increment();
        throw new A2aException(A2aError.RATE_LIMITED, "rate limit of the " + whose + " reached ("
                + limit.requests().getAsLong() + " requests per " + human(limit.per()) + "); retry after " + seconds
                + " s", Map.of("limit", scope.name().toLowerCase(java.util.Locale.ROOT),
                "retryAfterSeconds", Long.toString(seconds)), null);
    }

    private Bucket bucket(Map<String, Tracked> buckets, String key, RateLimitConfig.Limit limit) {
        Tracked found = buckets.get(key);
        if (found != null) {
            return found.bucket();
        }
        if (buckets.size() >= config.maxTracked()) {
            forgetIdle(buckets);
        }
        return buckets.computeIfAbsent(key, k -> track(limit)).bucket();
    }

    /** Forgets the buckets that are full (nothing to remember); if that is not enough, any, down to 90%. */
    private void forgetIdle(Map<String, Tracked> buckets) {
        buckets.values().removeIf(Tracked::idle);
        var it = buckets.keySet().iterator();
        while (buckets.size() >= config.maxTracked() * 9L / 10 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static Tracked track(RateLimitConfig.Limit limit) {
        long requests = limit.requests().getAsLong();
        long burst = limit.burst().orElse(requests);
        return new Tracked(Bucket.builder().addLimit(Bandwidth.builder().capacity(burst)
                .refillGreedy(requests, limit.per()).build()).build(), burst);
    }

    /** How many tenants and callers are followed now (at most {@link RateLimitConfig#maxTracked()} each). */
    int tracked() {
        return tenants.size() + callers.size();
    }

    private static String human(Duration d) {
        return d.equals(Duration.ofSeconds(1)) ? "second" : d.equals(Duration.ofMinutes(1)) ? "minute"
                : io.omniforge.util.Durations.words(d);
    }
}
