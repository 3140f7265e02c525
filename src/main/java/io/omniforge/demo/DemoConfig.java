package io.omniforge.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code omniforge.demo.*}: the built-in demo agents served by this process. */
@ConfigMapping(prefix = "omniforge.demo")
public interface DemoConfig {

    /** Whether the demo agents are mounted under {@code /demo/<name>}; when false nothing is mounted. */
    @WithDefault("true")
    boolean enabled();

    /** Tasks each demo agent keeps in memory at most; the least recently used task is dropped beyond that. */
    @WithDefault("10000")
    int maxTasks();

    /** The {@code slow} agent. */
    Slow slow();

    /** The {@code flaky} agent. */
    Flaky flaky();

    interface Slow {

        /** How long a task of the slow agent takes in total; a message text {@code delay:<millis>} overrides it. */
        @WithDefault("2s")
        Duration delay();

        /** How many chunks of its one artifact the slow agent streams, spread evenly over {@link #delay()}. */
        @WithDefault("5")
        int chunks();
    }

    interface Flaky {

        /**
         * Share of SendMessage/SendStreamingMessage calls the flaky agent fails, from 0 (never) to 1 (always).
         * A message text {@code ok} always succeeds, {@code fail:<mode>} always fails in that mode.
         */
        @WithDefault("0.5")
        double failureRate();

        /** How the flaky agent fails: {@code error}, {@code malformed}, {@code break-stream} or {@code http-500}. */
        @WithDefault("error")
        FlakyMode mode();
    }
}
