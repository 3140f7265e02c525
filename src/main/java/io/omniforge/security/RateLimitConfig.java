package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code omniforge.rate-limits.*}: how many requests a tenant, and each caller within it (an API key, a JWT's
 * subject, the anonymous caller), may make, and how many tasks each may have running at once. Unset is
 * unlimited. Counted in each replica (docs/OPERATIONS.md).
 */
@ConfigMapping(prefix = "omniforge.rate-limits")
public interface RateLimitConfig {

    /** Each tenant's limit, unless {@link #tenants()} names it. */
    Limit tenant();

    /** Each caller's limit, unless {@link #callers()} names it (by API key id, or JWT subject). */
    Limit caller();

    /** Limits of named tenants. */
    Map<String, Limit> tenants();

    /** Limits of named callers: the id of an API key ({@code omniforge.security.api-keys.<id>}), or a JWT's subject. */
    Map<String, Limit> callers();

    /**
     * Most tenants and callers followed at once. Past it, those whose bucket is full (idle) are forgotten first: a
     * forgotten one starts again with a full bucket, so memory stays bounded and nothing is refused for it.
     */
    @WithDefault("10000")
    int maxTracked();

    /** A token bucket: {@code requests} per {@code per}, and up to {@code burst} at once. */
    interface Limit {

        /** Requests per period; unset: no limit. */
        OptionalLong requests();

        @WithDefault("1S")
        Duration per();

        /** Requests at once after a quiet time; unset: {@code requests}. */
        OptionalLong burst();

        /**
         * Tasks with a turn under way at once (from a message until the task is final or waits for input) in one
         * replica; unset: no limit. One more message is refused (-32052) until one of them ends.
         */
        java.util.OptionalInt concurrentTasks();

        default Optional<Limit> ifSet() {
            return requests().isPresent() ? Optional.of(this) : Optional.empty();
        }
    }
}
