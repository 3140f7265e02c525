package io.omniforge.api;

import io.omniforge.a2a.A2aError;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The body limit of the management API ({@code /api/v1/*}): {@code omniforge.api.max-body-bytes}, as for JSON-RPC. A
 * larger body, announced or streamed, gets HTTP 413 with the API's JSON error. The route runs before Quarkus' own
 * (larger) limit, which would answer without a body; the REST resources read the body this route has read.
 */
@ApplicationScoped
public class ApiBodyLimit {

    void mount(@Observes Router router, ApiConfig config, JsonRpcTransport transport) {
        router.route("/api/v1/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .failureHandler(ctx -> {
                    if (ctx.statusCode() != 413) {
                        ctx.next();
                        return;
                    }
                    transport.writeJson(ctx.response(), 413, ApiError.of(413, "REQUEST_ENTITY_TOO_LARGE",
                            "request body exceeds the limit of " + config.maxBodyBytes() + " bytes (omniforge.api.max-body-bytes)",
                            A2aError.INVALID_REQUEST.reason()));
                });
    }
}
