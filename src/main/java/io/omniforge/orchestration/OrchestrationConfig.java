package io.omniforge.orchestration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code omniforge.orchestration.*}: the defaults of every orchestration, and its limits. */
@ConfigMapping(prefix = "omniforge.orchestration")
public interface OrchestrationConfig {

    /** Time allowed for a whole orchestration. */
    @WithDefault("5m")
    Duration deadline();

    /** Time allowed for one agent inside an orchestration. */
    @WithDefault("60s")
    Duration agentTimeout();

    /** {@code fail-fast} or {@code best-effort}. */
    @WithDefault("best-effort")
    String policy();

    /** Agents called at the same time at most. */
    @WithDefault("8")
    int maxConcurrency();

    /**
     * A budget: the most agent calls one orchestration makes, the legs of the flows it calls (and of theirs) and its
     * synthesizer included. A leg past it is not called: it fails naming the budget, and {@code budget.exhausted} is
     * audited. A nested flow gets what its parent has left when it is called.
     */
    @WithDefault("64")
    int maxAgentCalls();

    /** Agents one orchestration may name at most. */
    @WithDefault("16")
    int maxAgents();

    /** {@code concat}, {@code first} or {@code delegate}. */
    @WithDefault("concat")
    String synthesis();
}
