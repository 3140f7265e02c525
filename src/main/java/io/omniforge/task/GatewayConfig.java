package io.omniforge.task;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code omniforge.gateway.*}: the orchestrator as an A2A agent. */
@ConfigMapping(prefix = "omniforge.gateway")
public interface GatewayConfig {

    /** The name on the orchestrator's agent card. */
    @WithDefault("OmniForge Orchestrator")
    String name();

    @WithDefault("An A2A 1.0 gateway: routes each conversation to the right agent behind it, keeps the thread, and streams the answer back.")
    String description();

    @WithDefault("0.1.0")
    String version();

    /**
     * Longest a blocking SendMessage waits for a final or interrupted state; after that it returns the task as it
     * is (still working), and the client follows it with GetTask or SubscribeToTask.
     */
    @WithDefault("5m")
    Duration blockingTimeout();

    /**
     * Longest the one agent of a task may work on one turn of it (until the task is final or waits for input): then
     * the turn ends FAILED, naming the limit, and the task is canceled at the agent. Per agent:
     * {@code omniforge.agents.<name>.max-task-duration}; per request, less: {@code maxDuration} in the orchestration
     * extension's metadata. Orchestrations have their own {@code deadline} and {@code agentTimeout}.
     */
    @WithDefault("1h")
    Duration maxTaskDuration();
}
