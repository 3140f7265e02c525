package io.omniforge.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code omniforge.store.*}: where threads live and how writes are batched. */
@ConfigMapping(prefix = "omniforge.store")
public interface StoreConfig {

    /** Which database: {@code sqlite} (an embedded file, one replica) or {@code postgresql} (several replicas). */
    @WithDefault("sqlite")
    StoreKind kind();

    /** The SQLite database file (its directory is created at start); unset for other databases. */
    Optional<String> sqliteFile();

    /** Write operations waiting for the writer at most; past that a write fails at once ("store overloaded"). */
    @WithDefault("8192")
    int writeQueueCapacity();

    /** Most write operations committed together in one transaction (group commit). */
    @WithDefault("256")
    int maxBatch();

    /** Threads that run reads. */
    @WithDefault("4")
    int readThreads();

    /** Reads waiting for a reader thread at most; past that a read fails at once. */
    @WithDefault("8192")
    int readQueueCapacity();

    /** A write batch that hits a deadlock or a serialization failure (PostgreSQL) is run again this many times. */
    @WithDefault("3")
    int writeRetries();

    /** How often this process tells a shared store it is alive (PostgreSQL only). */
    @WithDefault("5s")
    Duration heartbeat();

    /**
     * A process that has not said it is alive for this long is taken for dead, and the tasks it was running are
     * failed by another one (PostgreSQL only). Several heartbeats long, so a pause does not look like a death.
     */
    @WithDefault("30s")
    Duration instanceLease();
}
