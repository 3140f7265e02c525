package io.omniforge.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code omniforge.stream.*}: how task streams are kept and read. */
@ConfigMapping(prefix = "omniforge.stream")
public interface StreamConfig {

    /** Events of a running task kept in memory for live subscribers; older ones are read from the store. */
    @WithDefault("1024")
    int recentEvents();

    /** Most events a subscriber reads in one go (from memory or from the store). */
    @WithDefault("256")
    int batchSize();
}
