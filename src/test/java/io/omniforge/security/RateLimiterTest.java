package io.omniforge.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rate limiter on its own: bounded memory with many callers, the caller's refund, and what configuration it refuses. */
class RateLimiterTest {

    private static RateLimitConfig.Limit limit(Long requests, Long burst) {
        return limit(requests, burst, Duration.ofMinutes(1));
    }

    private static RateLimitConfig.Limit limit(Long requests, Long burst, Duration per) {
        return new RateLimitConfig.Limit() {
            @Override
            public OptionalLong requests() {
                return requests == null ? OptionalLong.empty() : OptionalLong.of(requests);
            }

            @Override
            public Duration per() {
                return per;
            }

            @Override
            public OptionalLong burst() {
                return burst == null ? OptionalLong.empty() : OptionalLong.of(burst);
            }

            @Override
            public java.util.OptionalInt concurrentTasks() {
                return java.util.OptionalInt.empty();
            }
        };
    }

    private static RateLimitConfig config(RateLimitConfig.Limit tenant, RateLimitConfig.Limit caller, int maxTracked) {
        return new RateLimitConfig() {
            @Override
            public Limit tenant() {
                return tenant;
            }

            @Override
            public Limit caller() {
                return caller;
            }

            @Override
            public Map<String, Limit> tenants() {
                return Map.of();
            }

            @Override
            public Map<String, Limit> callers() {
                return Map.of();
            }

            @Override
            public int maxTracked() {
                return maxTracked;
            }
        };
    }

    private static Caller caller(String name, String tenant) {
        return new Caller(name, tenant, Set.of("user"), EnumSet.noneOf(Permission.class), Caller.Scheme.API_KEY, null);
    }

    @Test
    void manyCallersKeepMemoryBoundedAndAreNeverRefusedForIt() {
        RateLimiter limiter = new RateLimiter(config(limit(null, null), limit(1L, null), 10), new SimpleMeterRegistry());
        for (int i = 0; i < 1000; i++) {
            Caller c = caller("caller-" + i, "t");
            assertDoesNotThrow(() -> limiter.admit(c));
            assertTrue(limiter.tracked() <= 10, "followed: " + limiter.tracked());
        }
        Caller last = caller("caller-999", "t");
        A2aException e = assertThrows(A2aException.class, () -> limiter.admit(last));
        assertEquals(A2aError.RATE_LIMITED, e.error());
    }

    @Test
    void aCallersRefusalDoesNotCostItsTenantAndATenantsRefusalDoesNotCostTheCaller() throws Exception {
        RateLimiter limiter = new RateLimiter(config(limit(3L, null), limit(1L, null), 100), new SimpleMeterRegistry());
        limiter.admit(caller("a", "t"));
        for (int i = 0; i < 5; i++) {
            assertEquals("caller", assertThrows(A2aException.class, () -> limiter.admit(caller("a", "t")))
                    .metadata().get("limit"));
        }
        limiter.admit(caller("b", "t"));
        limiter.admit(caller("c", "t"));
        assertEquals("tenant", assertThrows(A2aException.class, () -> limiter.admit(caller("d", "t"))).metadata().get("limit"));

        // A tenant that refills quickly: e's refusal by it gives e's own (slow) token back, so e gets in after the refill.
        RateLimiter quick = new RateLimiter(config(limit(1L, null, Duration.ofMillis(200)), limit(1L, null), 100),
                new SimpleMeterRegistry());
        quick.admit(caller("a", "u"));
        assertEquals("tenant", assertThrows(A2aException.class, () -> quick.admit(caller("e", "u"))).metadata().get("limit"));
        Thread.sleep(300);
        quick.admit(caller("e", "u"));
    }

    @Test
    void internalAndSystemCallsAreNotCounted() {
        RateLimiter limiter = new RateLimiter(config(limit(1L, null), limit(null, null), 10), new SimpleMeterRegistry());
        Caller internal = new Caller("x", "t", Set.of(), EnumSet.noneOf(Permission.class), Caller.Scheme.INTERNAL, null);
        for (int i = 0; i < 5; i++) {
            limiter.admit(internal);
            limiter.admit(Caller.system("t"));
        }
        limiter.admit(caller("a", "t"));
        assertThrows(A2aException.class, () -> limiter.admit(caller("a", "t")));
    }

    @Test
    void aLimitBelowOneStopsTheStartNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RateLimiter(config(limit(0L, null), limit(null, null), 10), new SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("omniforge.rate-limits.tenant.requests"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RateLimiter(config(limit(5L, 0L), limit(null, null), 10), new SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("burst"), e.getMessage());
    }
}
