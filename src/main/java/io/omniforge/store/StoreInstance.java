package io.omniforge.store;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * This process as the store knows it: an id, new at every start, that tasks record as their runner. On a shared
 * store (PostgreSQL) the process says every {@code omniforge.store.heartbeat} that it is alive, and then fires
 * {@link OrphanCheck} so that the tasks of processes that stopped saying so are failed (see TaskManager); a process
 * that stops cleanly removes its row, so its tasks are taken over at the next check instead of after the lease.
 */
@ApplicationScoped
public class StoreInstance {

    private static final Logger LOG = Logger.getLogger(StoreInstance.class);

    /** Time to look for the running tasks of dead processes (fired on shared stores only, after each heartbeat). */
    public record OrphanCheck(long deadBefore) {
    }

    private final String id = UUID.randomUUID().toString();
    private final Db db;
    private final StoreConfig config;
    private final Vertx vertx;
    private final Event<OrphanCheck> orphanCheck;
    private long timer = -1;

    public StoreInstance(Db db, StoreConfig config, Vertx vertx, Event<OrphanCheck> orphanCheck) {
        this.db = db;
        this.config = config;
        this.vertx = vertx;
        this.orphanCheck = orphanCheck;
    }

    /** This process's id, as {@code tasks.runner}. */
    public String id() {
        return id;
    }

    /** Processes whose last heartbeat is older than this (epoch millis) are taken for dead. */
    public long deadBefore() {
        return System.currentTimeMillis() - config.instanceLease().toMillis();
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        if (!db.kind().shared()) {
            return;
        }
        long now = System.currentTimeMillis();
        String host = hostName();
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO instances (id, host, started_at, seen_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, host);
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            // Long-dead processes: their tasks are orphans whether their row is there or not.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances WHERE seen_at < ?")) {
                ps.setLong(1, now - Math.max(Duration.ofHours(1).toMillis(), 10 * config.instanceLease().toMillis()));
                ps.executeUpdate();
            }
            return null;
        }).await().atMost(Duration.ofSeconds(30));
        timer = vertx.setPeriodic(config.heartbeat().toMillis(), ignored -> beat());
        LOG.infof("store instance %s on %s (heartbeat every %s, taken for dead after %s)", id, host,
                config.heartbeat(), config.instanceLease());
    }

    private void beat() {
        long now = System.currentTimeMillis();
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET seen_at = ? WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setString(2, id);
                if (ps.executeUpdate() == 0) {
                    // Removed as long dead after a very long pause: say so again.
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO instances (id, host, started_at, seen_at) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, id);
                        insert.setString(2, hostName());
                        insert.setLong(3, now);
                        insert.setLong(4, now);
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        }).subscribe().with(
                ignored -> orphanCheck.fire(new OrphanCheck(deadBefore())),
                failure -> LOG.warnf("store heartbeat failed: %s", failure.getMessage()));
    }

    /** Before the store closes (its observer runs later): the row goes, so others take over at once. */
    void stop(@Observes @Priority(10) ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
            try {
                db.write(c -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances WHERE id = ?")) {
                        ps.setString(1, id);
                        return ps.executeUpdate();
                    }
                }).await().atMost(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warnf("could not remove this instance from the store: %s", e.getMessage());
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
