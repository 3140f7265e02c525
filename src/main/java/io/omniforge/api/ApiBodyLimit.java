package io.omniforge.api;

import io.omniforge.a2a.A2aError;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The body limit of the management API ({@code /api/v1/*}): {@code omniforge.api.max-body-bytes}, as for JSON-RPC. A
 * body announced larger gets HTTP 413 with the API's JSON error before anything reads it, and before Quarkus' own
 * (larger) limit, which would answer without one. The body itself is left to its reader: a REST resource cannot take
 * a body another handler has read over HTTP/2. A body of unknown length is bounded by Quarkus' limit for the REST
 * resources, and by {@code omniforge.api.max-body-bytes} for {@link OrchestrationsRoute}, which reads its own.
 */
@ApplicationScoped
public class ApiBodyLimit {

    void mount(@Observes Router router, ApiConfig config, JsonRpcTransport transport) {
        long max = config.maxBodyBytes();
        router.route("/api/v1/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                transport.writeJson(ctx.response(), 413, tooLarge(max));
                return;
            }
            ctx.next();
        });
    }

    /** The error of a body over the limit. */
    static ApiError tooLarge(long max) {
        return ApiError.of(413, "REQUEST_ENTITY_TOO_LARGE", "request body exceeds the limit of " + max
                + " bytes (omniforge.api.max-body-bytes)", A2aError.INVALID_REQUEST.reason());
    }
}
