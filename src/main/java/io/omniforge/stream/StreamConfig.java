package io.omniforge.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code omniforge.stream.*}: how task streams are kept and read. */
@ConfigMapping(prefix = "omniforge.stream")
public interface StreamConfig {

    /** Events of a running task kept in memory for live subscribers; older ones are read from the store. */
    @WithDefault("1024")
    int recentEvents();

    /** Most events a subscriber reads in one go (from memory or from the store). */
    @WithDefault("256")
    int batchSize();

    /**
     * How often the tails that follow a task written by another process sharing the store (PostgreSQL) look for
     * its new events: one query for all of them. Not used with SQLite.
     */
    @WithDefault("200ms")
    Duration remotePollInterval();

    /** Most tails following tasks of other processes at once; one more fails at once ("too many remote tails"). */
    @WithDefault("10000")
    int maxRemoteTails();
}
