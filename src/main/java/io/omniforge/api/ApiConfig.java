package io.omniforge.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code omniforge.api.*}: how the upstream endpoints are served. */
@ConfigMapping(prefix = "omniforge.api")
public interface ApiConfig {

    /** Path of the orchestrator's JSON-RPC endpoint (listed in its card). */
    @WithDefault("/a2a")
    String jsonRpcPath();

    /**
     * The URL clients reach this service at (scheme, host, port and any path prefix of a proxy), used for the
     * interface URLs in the agent card. When absent, it is taken from the request (Host and X-Forwarded-*
     * headers when {@code quarkus.http.proxy.proxy-address-forwarding} is on).
     */
    Optional<String> publicBaseUrl();

    /**
     * How long clients and proxies may cache an agent card ({@code Cache-Control: public, max-age}); a conditional GET
     * with the card's ETag or Last-Modified gets 304 whatever this is.
     */
    @WithDefault("5m")
    java.time.Duration cardMaxAge();

    /** Largest JSON-RPC request body accepted, in bytes; larger ones get HTTP 413 and error -32600. */
    @WithDefault("1048576")
    long maxBodyBytes();
}
