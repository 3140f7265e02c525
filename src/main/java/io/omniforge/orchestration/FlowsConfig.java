package io.omniforge.orchestration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code omniforge.flows.<name>.*}: named orchestrations. Each is a skill on the orchestrator's card and an A2A
 * agent of its own at {@code /flows/<name>}, so it can be an agent in another flow.
 */
@ConfigMapping(prefix = "omniforge.flows")
public interface FlowsConfig {

    @WithParentName
    Map<String, Flow> flows();

    interface Flow {
        /** What the flow does, for its card. */
        Optional<String> description();

        /** parallel, sequential, race, quorum or route. */
        String strategy();

        /** The agents (or other flows), in order. */
        List<String> agents();

        /** concat, first or delegate; the default is {@code omniforge.orchestration.synthesis}. */
        Optional<String> synthesis();

        /** The agent that synthesizes, for {@code synthesis=delegate}. */
        Optional<String> synthesizer();

        /** How many successes a quorum needs. */
        Optional<Integer> quorum();

        /** fail-fast or best-effort. */
        Optional<String> policy();

        /** Time allowed for the whole flow. */
        Optional<Duration> deadline();

        /** Time allowed for each agent. */
        Optional<Duration> agentTimeout();

        /** Agents called at the same time at most. */
        Optional<Integer> maxConcurrency();

        /** For {@code route}: agent name to a regular expression; the first agent whose expression finds a match wins. */
        Map<String, String> routes();
    }
}
