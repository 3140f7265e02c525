package io.omniforge.agent;

import io.smallrye.config.ConfigMapping;
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
    }
}
