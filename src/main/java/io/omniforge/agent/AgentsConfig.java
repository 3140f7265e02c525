package io.omniforge.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code omniforge.agents.<name>.*}: the agents declared in configuration. */
@ConfigMapping(prefix = "omniforge.agents")
public interface AgentsConfig {

    @WithParentName
    Map<String, Declared> declared();

    interface Declared {
        /** The agent's base URL: its card is at {@code <url>/.well-known/agent-card.json}. */
        String url();

        /** Time allowed for one call to this agent, instead of {@code omniforge.agent.call-timeout}. */
        Optional<Duration> callTimeout();

        /**
         * Longest this agent may work on one turn of a task, instead of {@code omniforge.gateway.max-task-duration}
         * (see {@code io.omniforge.task.TurnLimits}).
         */
        Optional<Duration> maxTaskDuration();

        /** Most calls to this agent at once, instead of {@code omniforge.agent.max-concurrent-calls}. */
        java.util.OptionalInt maxConcurrentCalls();

        /** Most calls to this agent per second, instead of {@code omniforge.agent.max-calls-per-second}. */
        java.util.OptionalInt maxCallsPerSecond();

        /** The credentials this agent is called with. */
        Auth auth();
    }

    /**
     * Outbound credentials of one agent: {@code omniforge.agents.<name>.auth.*}. The caller's own token is sent
     * only to an agent configured with {@code forward-caller-token=true}.
     */
    interface Auth {
        /** Sent as {@code Authorization: Bearer <token>}. */
        Optional<String> bearerToken();

        /** Sent in {@link #apiKeyHeader()}. */
        Optional<String> apiKey();

        @WithDefault("X-API-Key")
        String apiKeyHeader();

        /** Send the caller's own bearer token (API key or JWT) instead of {@link #bearerToken()}. */
        @WithDefault("false")
        boolean forwardCallerToken();
    }
}
