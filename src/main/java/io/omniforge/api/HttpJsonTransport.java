package io.omniforge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.service.A2aService;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.observability.Telemetry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The HTTP+JSON binding of A2A 1.0 (section 11) for any {@link A2aService}, beside its JSON-RPC endpoint: the
 * operations of section 11.3 below an interface URL, with an optional tenant segment. It is a thin edge over the
 * JSON-RPC transport's core: a request becomes the method and params that JSON-RPC would have received (the body, or
 * the query parameters of a GET, with the ids and the tenant of the path), and from there the version check, the
 * caller, the permission table, the binding of params to records, the input limits, the dispatch and the error
 * conversion are {@link JsonRpcTransport}'s own. Only the wire differs: results are the bare objects
 * ({@code application/a2a+json}), errors are {@code google.rpc.Status} bodies with the HTTP status of the error
 * (section 11.6), and each SSE event's data is the StreamResponse itself. It speaks 1.0 only.
 */
@ApplicationScoped
public class HttpJsonTransport {

    private static final Logger LOG = Logger.getLogger(HttpJsonTransport.class);
    static final String A2A_JSON = "application/a2a+json";
    private static final String JSON = "application/json";
    /** The context local Quarkus' HTTP metrics take the {@code uri} tag from (as its REST layer sets it). */
    private static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    private static final Pattern AT_ROOT = Pattern.compile(HttpJsonRoute.TAIL);
    private static final Pattern ANYWHERE = Pattern.compile("(?:/(?:flows|demo)/[^/]+)?" + HttpJsonRoute.TAIL);

    /** How a query parameter is read into the params (section 11.5); a value of the wrong type gets 400. */
    private enum Kind { TEXT, INTEGER, BOOLEAN }

    /** The query parameters each bodiless operation reads, by their JSON names; others are ignored. */
    private static final Map<A2aMethod, Map<String, Kind>> QUERY = Map.of(
            A2aMethod.GET_TASK, Map.of("tenant", Kind.TEXT, "historyLength", Kind.INTEGER),
            A2aMethod.LIST_TASKS, Map.of("tenant", Kind.TEXT, "contextId", Kind.TEXT, "status", Kind.TEXT,
                    "pageSize", Kind.INTEGER, "pageToken", Kind.TEXT, "historyLength", Kind.INTEGER,
                    "statusTimestampAfter", Kind.TEXT, "includeArtifacts", Kind.BOOLEAN),
            A2aMethod.SUBSCRIBE_TO_TASK, Map.of("tenant", Kind.TEXT),
            A2aMethod.LIST_PUSH_CONFIGS, Map.of("tenant", Kind.TEXT, "pageSize", Kind.INTEGER, "pageToken", Kind.TEXT),
            A2aMethod.GET_PUSH_CONFIG, Map.of("tenant", Kind.TEXT),
            A2aMethod.DELETE_PUSH_CONFIG, Map.of("tenant", Kind.TEXT),
            A2aMethod.GET_EXTENDED_AGENT_CARD, Map.of("tenant", Kind.TEXT));

    private final JsonRpcTransport rpc;
    private final ObjectMapper mapper;
    private final ApiConfig config;
    private final Telemetry telemetry;

    public HttpJsonTransport(JsonRpcTransport rpc, ObjectMapper mapper, ApiConfig config, Telemetry telemetry) {
        this.rpc = rpc;
        this.mapper = mapper;
        this.config = config;
        this.telemetry = telemetry;
    }

    /**
     * Serves {@code service}'s HTTP+JSON interface at {@code basePath} ({@code ""} for the root): {@code POST
     * <basePath>/message:send} and the rest, and each of them below {@code <basePath>/<tenant>}, for authenticated
     * callers (see {@link AuthFilter}) with the permission each operation needs.
     */
    public void mount(Router router, String basePath, A2aService service) {
        mount(router, basePath, service, true);
    }

    /** As {@link #mount(Router, String, A2aService)}; {@code secured} false serves everyone (the demo agents). */
    public void mount(Router router, String basePath, A2aService service, boolean secured) {
        String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        // A regex route: in a Vert.x path, ':' would start a path parameter.
        router.routeWithRegex((prefix.isEmpty() ? "" : Pattern.quote(prefix)) + HttpJsonRoute.TAIL)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(ctx -> handle(ctx, prefix, service, secured))
                .failureHandler(this::failure);
    }

    /** Whether a path is the orchestrator's interface at the root, or below a tenant segment there. */
    static boolean atRoot(String path) {
        return AT_ROOT.matcher(path).matches();
    }

    /** Whether a path is the binding's: at the root, below a flow or below a demo agent. Its errors take this shape. */
    static boolean isBindingPath(String path) {
        return ANYWHERE.matcher(path).matches();
    }

    private void handle(RoutingContext ctx, String prefix, A2aService service, boolean secured) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        Optional<HttpJsonRoute> found = HttpJsonRoute.match(path.substring(prefix.length()));
        if (found.isEmpty()) {
            urlTemplate(prefix + "/{unknown}");
            writeError(ctx, 404, new A2aException(A2aError.METHOD_NOT_FOUND, "no A2A operation at " + request.method()
                    + " " + path + "; the HTTP+JSON binding has " + HttpJsonRoute.Resource.list()
                    + " (each also below /{tenant})"));
            return;
        }
        HttpJsonRoute route = found.get();
        urlTemplate(route.template(prefix));
        Optional<A2aMethod> operation = route.resource().method(request.method());
        if (operation.isEmpty()) {
            ctx.response().putHeader(HttpHeaders.ALLOW, route.resource().allow());
            writeError(ctx, 405, new A2aException(A2aError.INVALID_REQUEST, request.method() + " is not allowed on "
                    + route.resource().template() + ": send " + route.resource().allow()));
            return;
        }
        A2aMethod method = operation.get();
        Buffer body = ctx.body().buffer();
        boolean hasBody = body != null && body.length() > 0;
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (hasBody && !JsonRpcTransport.isJson(contentType)) {
            writeError(ctx, 415, new A2aException(A2aError.INVALID_REQUEST, "Content-Type must be " + A2A_JSON
                    + " (or " + JSON + "), got " + (contentType == null ? "none" : "'" + contentType + "'")));
            return;
        }
        try {
            ObjectNode params = params(ctx, route, method, hasBody ? body : null);
            io.omniforge.security.InputLimits.storable(params, "");
            A2aVersion.negotiate(version(request));
            CallContext call = rpc.callContext(ctx, secured);
            if (secured) {
                rpc.authorize(call.caller(), method, params);
            }
            if (method.streaming()) {
                stream(ctx, route.template(prefix), rpc.streaming(service, method, call, params));
            } else {
                reply(ctx, rpc.unary(service, method, call, params));
            }
        } catch (RuntimeException e) {
            writeError(ctx, rpc.toA2a(e));
        }
    }

    /** The version a request names: the {@code A2A-Version} header, else the query parameter (section 3.6.1). */
    private static String version(HttpServerRequest request) {
        String header = request.getHeader(A2aVersion.HEADER);
        return header != null ? header : request.getParam(A2aVersion.HEADER);
    }

    /**
     * The params JSON-RPC would have received: the body of a POST (empty is {@code {}}), or a GET's or DELETE's query
     * parameters; then the path's ids and tenant, which a body or a query may repeat but not contradict.
     */
    private ObjectNode params(RoutingContext ctx, HttpJsonRoute route, A2aMethod method, Buffer body) {
        ObjectNode params;
        HttpMethod verb = ctx.request().method();
        if (HttpMethod.GET.equals(verb) || HttpMethod.DELETE.equals(verb)) {
            params = query(ctx, QUERY.getOrDefault(method, Map.of()));
        } else if (body == null) {
            params = mapper.createObjectNode();
        } else {
            JsonNode json = rpc.parse(body);
            if (!json.isObject()) {
                throw new A2aException(A2aError.INVALID_REQUEST, "the body must be a JSON object (the "
                        + method.wireName() + " request), got " + json.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            params = (ObjectNode) json;
        }
        switch (route.resource()) {
            case TASK, CANCEL, SUBSCRIBE -> fromPath(params, "id", route.taskId());
            case PUSH_CONFIGS -> fromPath(params, "taskId", route.taskId());
            case PUSH_CONFIG -> {
                fromPath(params, "taskId", route.taskId());
                fromPath(params, "id", route.configId());
            }
            default -> {
            }
        }
        if (route.tenant() != null) {
            fromPath(params, "tenant", route.tenant());
        }
        return params;
    }

    private static void fromPath(ObjectNode params, String field, String value) {
        JsonNode given = params.get(field);
        if (given != null && !given.isNull() && !(given.isTextual() && (given.asText().isEmpty()
                || given.asText().equals(value)))) {
            throw A2aException.invalidParams("Invalid parameters: params." + field + " is " + given + " but the path says '"
                    + value + "'; leave it out of the request");
        }
        params.put(field, value);
    }

    /** Query parameters as params, each read as its field's type (section 11.5). */
    private ObjectNode query(RoutingContext ctx, Map<String, Kind> fields) {
        ObjectNode params = mapper.createObjectNode();
        fields.forEach((name, kind) -> {
            List<String> values = ctx.queryParam(name);
            if (values.isEmpty()) {
                return;
            }
            if (values.size() > 1) {
                throw A2aException.invalidParams("Invalid parameters: the query parameter " + name + " is given "
                        + values.size() + " times; give it once");
            }
            String value = values.get(0);
            switch (kind) {
                case TEXT -> params.put(name, value);
                case INTEGER -> {
                    if (!value.matches("-?\\d{1,9}")) {
                        throw A2aException.invalidParams("Invalid parameters: the query parameter " + name
                                + " must be an integer, got '" + value + "'");
                    }
                    params.put(name, Integer.parseInt(value));
                }
                case BOOLEAN -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw A2aException.invalidParams("Invalid parameters: the query parameter " + name
                                + " must be true or false, got '" + value + "'");
                    }
                    params.put(name, Boolean.parseBoolean(value));
                }
            }
        });
        return params;
    }

    private void reply(RoutingContext ctx, Uni<?> result) {
        AtomicBoolean closed = new AtomicBoolean();
        ctx.response().closeHandler(v -> closed.set(true));
        result.subscribe().with(
                value -> {
                    if (!closed.get()) {
                        writeJson(ctx, 200, value);
                    }
                },
                failure -> {
                    if (!closed.get()) {
                        writeError(ctx, rpc.toA2a(failure));
                    }
                });
    }

    /**
     * An SSE stream: each event's data is its StreamResponse JSON as stored (no envelope), its id the event's sequence
     * number. An error before the first event is a plain error answer; after it, a last event named {@code error}
     * whose data is the error body (what @a2a-js/sdk's clients read).
     */
    private void stream(RoutingContext ctx, String template, Multi<StreamEvent> events) {
        new SseWriter(ctx.response(), Vertx.currentContext(), mapper, "", "",
                error -> ApiError.of(error.error().httpStatus(), error),
                error -> writeError(ctx, error),
                rpc::toA2a, () -> telemetry.sseStreamOpened(template), "error").start(events);
    }

    private void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            writeError(ctx, 413, rpc.bodyTooLarge(ctx.request()));
            return;
        }
        Throwable t = ctx.failure();
        if (t != null) {
            LOG.error("HTTP+JSON request failed", t);
        }
        writeError(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                new A2aException(A2aError.INTERNAL_ERROR, "the request could not be processed"));
    }

    /** An error with the HTTP status of its kind (section 5.4). */
    void writeError(RoutingContext ctx, A2aException e) {
        writeError(ctx, e.error().httpStatus(), e);
    }

    /** The binding's error body (section 11.6): {@code {"error": {code, status, message, details: [ErrorInfo]}}}. */
    void writeError(RoutingContext ctx, int status, A2aException e) {
        writeJson(ctx, status, ApiError.of(status, e));
    }

    private static final byte[] SERIALIZATION_FAILED = ("{\"error\":{\"code\":500,\"status\":\"INTERNAL\","
            + "\"message\":\"Internal error\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
            + "\"reason\":\"INTERNAL_ERROR\",\"domain\":\"a2a-protocol.org\"}]}}").getBytes(StandardCharsets.UTF_8);

    private void writeJson(RoutingContext ctx, int status, Object value) {
        rpc.writeJson(ctx.response(), status, value, responseType(ctx.request()), SERIALIZATION_FAILED);
    }

    /**
     * {@code application/a2a+json} (section 11.1), or {@code application/json} for a client whose {@code Accept}
     * names that and neither {@code application/a2a+json} nor a wildcard.
     */
    private static String responseType(HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null) {
            return A2A_JSON;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains(JSON) && !a.contains(A2A_JSON) && !a.contains("*/*") && !a.contains("application/*")
                ? JSON : A2A_JSON;
    }

    /** The route's template as the {@code uri} of the request's HTTP metrics, so that task ids do not become tags. */
    private static void urlTemplate(String template) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal(URL_PATH_TEMPLATE, template);
        }
    }
}
