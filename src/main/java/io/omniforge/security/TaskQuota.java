package io.omniforge.security;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many tasks each tenant, and each caller within it, has running at once in this replica, against
 * {@code omniforge.rate-limits.*.concurrent-tasks}: a turn takes a place of each when it starts and gives them back
 * when it ends, however it ends. The service's own calls (a flow's loopback calls, a recovery) are not counted.
 * Only tenants and callers with a task running are held in memory.
 */
@ApplicationScoped
public class TaskQuota {

    private final RateLimitConfig config;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    public TaskQuota(RateLimitConfig config, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Takes a place for one more task of {@code caller}: the returned action gives it back (once, however often it
     * is run).
     *
     * @throws A2aException {@link A2aError#RATE_LIMITED} naming the limit, when the caller or its tenant is at it
     */
    public Runnable acquire(Caller caller) {
        if (caller.scheme() == Caller.Scheme.INTERNAL || caller.scheme() == Caller.Scheme.SYSTEM) {
            return () -> { };
        }
        String who = caller.principal();
        OptionalInt own = limit(config.callers().get(who), config.caller());
        OptionalInt tenant = limit(config.tenants().get(caller.tenant()), config.tenant());
        if (own.isEmpty() && tenant.isEmpty()) {
            return () -> { };
        }
        String callerKey = "caller\u0000" + caller.tenant() + "\u0000" + who;
        String tenantKey = "tenant\u0000" + caller.tenant();
        take(callerKey, own, "caller '" + who + "'", "omniforge.rate-limits.caller" + (config.callers().containsKey(who)
                ? "s." + who : "") + ".concurrent-tasks", "caller");
        try {
            take(tenantKey, tenant, "tenant '" + caller.tenant() + "'", "omniforge.rate-limits.tenant"
                    + (config.tenants().containsKey(caller.tenant()) ? "s." + caller.tenant() : "") + ".concurrent-tasks",
                    "tenant");
        } catch (A2aException refused) {
            give(callerKey, own);
            throw refused;
        }
        AtomicBoolean given = new AtomicBoolean();
        return () -> {
            if (given.compareAndSet(false, true)) {
                give(tenantKey, tenant);
                give(callerKey, own);
            }
        };
    }

    /** How many tasks of tenant {@code tenant} run now, counted against a limit (0 when none is set). */
    public int running(String tenant) {
        return running.getOrDefault("tenant\u0000" + tenant, 0);
    }

    private static OptionalInt limit(RateLimitConfig.Limit named, RateLimitConfig.Limit all) {
        return named != null && named.concurrentTasks().isPresent() ? named.concurrentTasks() : all.concurrentTasks();
    }

    private void take(String key, OptionalInt limit, String whose, String setting, String scope) {
        if (limit.isEmpty()) {
            return;
        }
        int max = limit.getAsInt();
        boolean[] taken = new boolean[1];
        running.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            taken[0] = now < max;
            return taken[0] ? now + 1 : (now == 0 ? null : now);
        });
        if (!taken[0]) {
            metrics.counter(io.omniforge.observability.Telemetry.RATE_LIMITED, "scope", scope + "_tasks").increment();
            throw new A2aException(A2aError.RATE_LIMITED, "the " + whose + " has " + max + " task" + (max == 1 ? "" : "s")
                    + " running, its limit (" + setting + "); send the message again once one of them has ended",
                    Map.of("limit", scope + "-tasks", "max", Integer.toString(max), "retryAfterSeconds", "1"), null);
        }
    }

    private void give(String key, OptionalInt limit) {
        if (limit.isPresent()) {
            running.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }
}
