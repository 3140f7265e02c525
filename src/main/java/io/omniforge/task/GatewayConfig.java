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

    /**
     * On SIGTERM the service takes no new turns (new messages and replies get -32053) and waits this long for the
     * turns under way to end; those still running then are left as they are, for the next start (or another
     * replica) to take over. Keep it below the orchestrator's own stop timeout (Kubernetes:
     * {@code terminationGracePeriodSeconds}, 30 s by default).
     */
    @WithDefault("10s")
    Duration shutdownGrace();

    /** What a restarted process (or the replica adopting a stopped one's tasks) does with the tasks that were running. */
    Recovery recovery();

    interface Recovery {

        /**
         * Whether a task whose agent was working on it when its process stopped is followed again at the agent
         * (SubscribeToTask, or GetTask polling) and goes on where it was; false: it fails, saying so.
         */
        @WithDefault("true")
        boolean reattach();

        /**
         * How often an agent's task is read with GetTask while it is followed that way: an agent that does not
         * stream, or whose subscription was refused or ended before the task did.
         */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * Longest an agent may stay unreachable (refused connections, its circuit breaker open) while its task is
         * followed again; then the task fails, naming the agent. Counted from the last time the agent answered.
         */
        @WithDefault("5m")
        Duration agentDeadline();
    }
}
