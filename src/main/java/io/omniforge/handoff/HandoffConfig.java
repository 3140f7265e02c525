package io.omniforge.handoff;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/** {@code omniforge.handoff.*}: the handoff policy. */
@ConfigMapping(prefix = "omniforge.handoff")
public interface HandoffConfig {

    /** How many handoffs may be stacked in one conversation (a card's own maxDepth can only lower it). */
    @WithDefault("3")
    int maxDepth();

    /**
     * How many times the same two agents may hand the conversation to each other in a row (A->B, B->A, ...);
     * one more is refused as ping-pong.
     */
    @WithDefault("3")
    int maxPingPong();

    /**
     * A loop guard: how many handoffs one thread may make within {@link #window()} (those refused do not count); one
     * more is refused naming this budget, and audited ({@code budget.exhausted}).
     */
    @WithDefault("20")
    int maxPerThread();

    /**
     * A loop guard: how many handoffs one task may make (an agent handing the conversation on, the next agent on
     * again or back, all within the task; those refused do not count); one more forward handoff is refused naming
     * this budget, and audited ({@code budget.exhausted}). A handback is never refused.
     */
    @WithDefault("10")
    int maxPerTask();

    /** The window of {@link #maxPerThread()}. */
    @WithDefault("1h")
    java.time.Duration window();

    /** Per source agent, the agents it may hand off to (absent: what the agents' cards allow). */
    Map<String, List<String>> allow();
}
