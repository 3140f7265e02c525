package io.omniforge.task;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * What the service does with its running tasks when it is told to stop (SIGTERM, Ctrl-C): it takes no new turns,
 * waits up to {@code omniforge.gateway.shutdown-grace} for the turns under way to end, and leaves the rest as the
 * store has them, for the next start (or, on PostgreSQL, another replica, at once) to take over and follow again
 * ({@link TaskRecovery}). Runs first among the shutdown observers, while the store and the HTTP server still work.
 */
@ApplicationScoped
class TaskShutdown {

    private static final Logger LOG = Logger.getLogger(TaskShutdown.class);
    private static final long POLL_MS = 20;

    private final TaskManager tasks;
    private final Duration grace;
    /** How many turns were running when the process was told to stop; -1 before. */
    private int running = -1;

    TaskShutdown(TaskManager tasks, GatewayConfig config) {
        this.tasks = tasks;
        this.grace = config.shutdownGrace();
    }

    /**
     * SIGTERM's first phase ({@code quarkus.shutdown.delay-enabled}): the HTTP server still serves (readiness is
     * DOWN), so clients can read their tasks, and new messages are refused with -32053 while the turns end.
     */
    void draining(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    /** The last phase, before the store closes: what still runs is left for the next start. */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        drain();
        int left = tasks.leaveRunning();
        if (running > 0 || left > 0) {
            LOG.infof("stopping: %d of %d running turns ended within the grace period of %s; %d left for the next"
                    + " start to take over", Math.max(0, running - left), Math.max(running, left),
                    io.omniforge.util.Durations.words(grace), left);
        }
    }

    /** Once: no new turns from now on; waits for those under way, at most the grace period. */
    private synchronized void drain() {
        if (running >= 0) {
            return;
        }
        tasks.stopTakingWork();
        running = tasks.running();
        long deadline = System.nanoTime() + grace.toNanos();
        while (tasks.running() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }
}
