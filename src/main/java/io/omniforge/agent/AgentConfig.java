package io.omniforge.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code omniforge.agent.*}: how every downstream agent is called. */
@ConfigMapping(prefix = "omniforge.agent")
public interface AgentConfig {

    /** Time allowed to open a connection to an agent. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time allowed for one non-streaming call (SendMessage, GetTask, CancelTask). */
    @WithDefault("60s")
    Duration callTimeout();

    /** Longest silence allowed on an agent's SSE stream before it is treated as broken. */
    @WithDefault("120s")
    Duration streamIdleTimeout();

    /** Time allowed to fetch an agent card. */
    @WithDefault("10s")
    Duration cardTimeout();

    /** How often every agent's card is fetched again. */
    @WithDefault("5m")
    Duration cardRefresh();

    /**
     * How often the agents registered at run time are read again from a shared store (PostgreSQL), so that an agent
     * registered or removed through another replica is known here too. Not used with SQLite (one process).
     */
    @WithDefault("10s")
    Duration registrySync();

    /** Pooled connections of each agent (each agent has a pool of its own). */
    @WithDefault("128")
    int maxConnectionsPerHost();

    /**
     * Most calls to one agent at once (a stream counts until it ends), unless the agent sets its own
     * ({@code omniforge.agents.<name>.max-concurrent-calls}); unset: no limit. One more is not made: it fails at once,
     * -32052 naming the agent and the limit.
     */
    java.util.OptionalInt maxConcurrentCalls();

    /** Most calls to one agent per second (a token bucket), unless the agent sets its own; unset: no limit. */
    java.util.OptionalInt maxCallsPerSecond();

    /** Retries of calls that can be made again (see {@code AgentClient#retriable}). */
    Retry retry();

    /** {@code omniforge.agent.retry.*} */
    interface Retry {
        /** Retries after the first attempt; 0: none. */
        @WithDefault("2")
        int maxRetries();

        /** The wait before the first retry; it doubles (with jitter) up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();
    }

    /** The circuit breaker every agent has (see {@code AgentBreakers}). */
    Breaker breaker();

    /** {@code omniforge.agent.breaker.*} */
    interface Breaker {
        /** Off: agents are always called. */
        @WithDefault("true")
        boolean enabled();

        /** Calls looked at (the last ones) before the breaker may open. */
        @WithDefault("10")
        int requestVolumeThreshold();

        /** Share of those calls that failed (unreachable, timed out, unreadable answer) that opens it. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long it stays open before it lets a probe through (half-open). */
        @WithDefault("30s")
        Duration delay();

        /** Probes that must succeed, half-open, to close it again. */
        @WithDefault("1")
        int successThreshold();
    }

    /** Largest response body (or single SSE event) read from an agent, in bytes. */
    @WithDefault("4194304")
    int maxResponseBytes();
}
