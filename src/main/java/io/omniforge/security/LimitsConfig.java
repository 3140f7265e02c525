package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code omniforge.limits.*}: how much one request may carry. The body size itself is {@code omniforge.api.max-body-bytes}.
 */
@ConfigMapping(prefix = "omniforge.limits")
public interface LimitsConfig {

    /** Most parts in one message. */
    @WithDefault("64")
    int maxParts();

    /** Largest part, in bytes: a text's UTF-8 bytes, a data part's JSON, a file's decoded bytes, or a URL. */
    @WithDefault("1048576")
    int maxPartBytes();

    /** Deepest nesting of objects and arrays in a request body (the JSON-RPC envelope counts). */
    @WithDefault("32")
    int maxDepth();

    /** Largest metadata object (of a message, of a part, of the request), as JSON bytes. */
    @WithDefault("16384")
    int maxMetadataBytes();

    /**
     * Most SubscribeToTask streams one task may have at once in this process (the stream of the message that created or
     * resumed the task is not counted: the message has been acted on).
     */
    @WithDefault("64")
    int maxSubscribersPerTask();
}
