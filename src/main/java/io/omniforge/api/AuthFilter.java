package io.omniforge.api;

import com.fasterxml.jackson.databind.node.NullNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.observability.Correlation;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Authenticator;
import io.omniforge.security.Caller;
import io.omniforge.security.Permission;
import io.omniforge.security.RateLimiter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Authenticates every request to the orchestrator's endpoints (its JSON-RPC endpoint and HTTP+JSON interface, the
 * flows' endpoints, the management API and the demo agents) before any route runs, and leaves the {@link Caller} on
 * the routing context. Public: the agent cards and {@code /q/*} (health, metrics). A refusal is HTTP 401 with
 * {@code WWW-Authenticate}: a JSON-RPC error -32050 on JSON-RPC endpoints, the binding's error body on the HTTP+JSON
 * interfaces, the API's error JSON on the management API.
 *
 * <p>The demo agents keep every task they are given, whoever's it is, and answer {@code ListTasks}: they answer
 * only this gateway's own calls (its internal token) and admins, anybody else gets -32051 (HTTP 403). Tenants reach
 * them through the gateway, which keeps each tenant to its own tasks.
 *
 * <p>It also starts the request's log correlation: {@code trace_id} (the request's OpenTelemetry trace) and, once
 * the caller is known, {@code tenant}.
 */
@ApplicationScoped
public class AuthFilter {

    private static final String KEY = Caller.class.getName();
    private static final String CARD = "/.well-known/agent-card.json";
    private static final String DEMO = "/demo/";

    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final JsonRpcTransport transport;
    private final HttpJsonTransport httpJson;
    private final ApiConfig config;
    private final RateLimiter rateLimiter;

    public AuthFilter(Authenticator authenticator, AccessPolicy policy, JsonRpcTransport transport,
            HttpJsonTransport httpJson, ApiConfig config, RateLimiter rateLimiter) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.transport = transport;
        this.httpJson = httpJson;
        this.config = config;
        this.rateLimiter = rateLimiter;
    }

    /** The caller of a request that went through this filter. */
    public static Caller caller(RoutingContext ctx) {
        Caller caller = ctx.get(KEY);
        if (caller == null) {
            throw new A2aException(A2aError.UNAUTHENTICATED, "the request was not authenticated");
        }
        return caller;
    }

    void register(@Observes Filters filters) {
        // Before the routes and the REST layer; after Quarkus' own early filters.
        filters.register(this::filter, 100);
    }

    private void filter(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!protectedPath(path)) {
            ctx.next();
            return;
        }
        // The request's trace, on every line it logs from here on: a refused credential's auth.denied too.
        Correlation.putTraceId();
        String token;
        try {
            token = authenticator.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), path);
            if (token == null) {
                proceed(ctx, authenticator.anonymous(path));
            } else if (Authenticator.looksLikeJwt(token)) {
                // Verifying may load a key: on a worker, then back on this request's context.
                ctx.vertx().<Caller>executeBlocking(() -> authenticator.verifyJwt(token, path), false)
                        .onComplete(result -> {
                            if (result.succeeded()) {
                                proceed(ctx, result.result());
                            } else {
                                refuse(ctx, path, result.cause());
                            }
                        });
            } else {
                proceed(ctx, authenticator.verifyKey(token, ctx.request().getHeader(Authenticator.ON_BEHALF_OF), path));
            }
        } catch (RuntimeException e) {
            refuse(ctx, path, e);
        }
    }

    private void proceed(RoutingContext ctx, Caller caller) {
        String path = ctx.normalizedPath();
        if (path.startsWith(DEMO) && caller.scheme() != Caller.Scheme.INTERNAL && !caller.has(Permission.ADMIN)) {
            refuse(ctx, path, policy.deny(caller, "permission", Permission.ADMIN.name(), "call a demo agent directly",
                    "the demo agents answer this gateway and admins only: send the message to the gateway, which"
                            + " calls them for you"));
            return;
        }
        ctx.put(KEY, caller);
        Correlation.put(Correlation.TENANT, caller.tenant());
        try {
            rateLimiter.admit(caller);
        } catch (A2aException e) {
            ctx.response().putHeader("Retry-After", e.metadata().getOrDefault("retryAfterSeconds", "1"));
            refuse(ctx, path, e);
            return;
        }
        ctx.next();
    }

    private boolean protectedPath(String path) {
        if (path.endsWith(CARD) || path.startsWith("/q/")) {
            return false;
        }
        // "/a2a/" reaches the same route as "/a2a".
        String exact = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return exact.equals(config.jsonRpcPath()) || path.startsWith("/api/") || path.startsWith("/flows/")
                || path.startsWith(DEMO) || HttpJsonTransport.atRoot(path);
    }

    private void refuse(RoutingContext ctx, String path, Throwable failure) {
        A2aException e = failure instanceof A2aException a ? a
                : new A2aException(A2aError.UNAUTHENTICATED, "the credentials could not be verified");
        int status = e.error().httpStatus();
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"omniforge\"");
        }
        if (path.startsWith("/api/")) {
            transport.writeJson(ctx.response(), status, ApiError.of(status,
                    jakarta.ws.rs.core.Response.Status.fromStatusCode(status).name(), e));
        } else if (HttpJsonTransport.isBindingPath(path)) {
            httpJson.writeError(ctx, status, e);
        } else {
            transport.writeError(ctx.response(), status, NullNode.getInstance(), e);
        }
    }
}
