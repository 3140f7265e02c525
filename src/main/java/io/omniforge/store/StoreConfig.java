package io.omniforge.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code omniforge.store.*}: where threads live and how writes are batched. */
@ConfigMapping(prefix = "omniforge.store")
public interface StoreConfig {

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
}
