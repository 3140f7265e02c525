package io.omniforge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.service.A2aService;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.JsonRpcResponse;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.v03.V03;
import io.omniforge.observability.Correlation;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Caller;
import io.omniforge.security.Permission;
import io.omniforge.observability.Telemetry;
import io.omniforge.security.InputLimits;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import java.util.concurrent.Flow.Subscription;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * The JSON-RPC binding of A2A 1.0 over HTTP, for any {@link A2aService}: parses the body once, checks the
 * version, dispatches on the method, and answers either JSON or a Server-Sent-Events stream. Every failure
 * becomes a JSON-RPC error with an ErrorInfo entry; nothing else ever reaches the client.
 */
@ApplicationScoped
public class JsonRpcTransport {

    private static final Logger LOG = Logger.getLogger(JsonRpcTransport.class);
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final ObjectMapper mapper;
    private final ApiConfig config;
    private final Telemetry telemetry;
    private final AccessPolicy policy;
    private final InputLimits limits;

    public JsonRpcTransport(ObjectMapper mapper, ApiConfig config, Telemetry telemetry, AccessPolicy policy,
            InputLimits limits) {
        this.limits = limits;
        this.mapper = mapper;
        this.config = config;
        this.telemetry = telemetry;
        this.policy = policy;
    }

    /**
     * Serves {@code service} at {@code basePath}: its card under {@code /.well-known/agent-card.json}, JSON-RPC at
     * {@code rpcPath}, for authenticated callers (see {@link AuthFilter}) with the permission each method needs.
     */
    public void mount(Router router, String basePath, String rpcPath, A2aService service) {
        mount(router, basePath, rpcPath, service, true);
    }

    /**
     * As {@link #mount(Router, String, String, A2aService)}; {@code secured} false serves everyone (the demo agents,
     * which stand for agents of their own behind the gateway).
     */
    public void mount(Router router, String basePath, String rpcPath, A2aService service, boolean secured) {
        String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        CardCache cards = new CardCache();
        router.get(prefix + "/.well-known/agent-card.json").handler(ctx -> {
            try {
                String base = baseUrl(ctx.request());
                serveCard(ctx, service.card(new io.omniforge.service.ServedAt(base, base + rpcPath, base + prefix)), cards);
            } catch (RuntimeException e) {
                writeError(ctx.response(), 500, NullNode.getInstance(), internal(e));
            }
        });
        router.post(rpcPath)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(ctx -> handle(ctx, service, secured))
                .failureHandler(this::failure);
        router.route(rpcPath).handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
            writeError(ctx.response(), 405, NullNode.getInstance(), new A2aException(A2aError.INVALID_REQUEST,
                    ctx.request().method() + " is not allowed here: send JSON-RPC requests with POST"));
        });
    }

    /**
     * The card in the version the request asks for (section 3.6; {@code Vary: A2A-Version}): a 1.x client gets the 1.0
     * card; a 0.3 client gets the 0.3 card (its {@code url} is the same JSON-RPC endpoint, which speaks both); a request
     * without the header (what a 0.3 client sends, and what a careless 1.0 one does) gets the 0.3 card with the 1.0
     * {@code supportedInterfaces} beside it, so either finds its transport. Cacheable (spec: SHOULD): an ETag of its
     * bytes, Last-Modified when these bytes were first served, {@code Cache-Control} with
     * {@code omniforge.api.card-max-age}; a conditional GET that matches gets 304.
     */
    private void serveCard(RoutingContext ctx, io.omniforge.a2a.AgentCard card, CardCache cache) {
        HttpServerRequest request = ctx.request();
        String header = request.getHeader(A2aVersion.HEADER);
        String asked = header != null ? header : request.getParam(A2aVersion.HEADER);
        byte[] bytes;
        try {
            if (A2aVersion.LEGACY.equals(A2aVersion.requested(asked))) {
                bytes = mapper.writeValueAsBytes(V03.cardTo03(mapper.valueToTree(card), asked == null || asked.isBlank()));
            } else {
                bytes = mapper.writeValueAsBytes(card);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an agent card", e);
        }
        CardCache.Entry entry = cache.entry(bytes);
        HttpServerResponse response = ctx.response()
                .putHeader(HttpHeaders.VARY, A2aVersion.HEADER)
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + config.cardMaxAge().toSeconds())
                .putHeader(HttpHeaders.ETAG, entry.etag())
                .putHeader(HttpHeaders.LAST_MODIFIED, entry.lastModified());
        if (entry.notModified(request.getHeader(HttpHeaders.IF_NONE_MATCH), request.getHeader(HttpHeaders.IF_MODIFIED_SINCE))) {
            response.setStatusCode(304).end();
            return;
        }
        response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Buffer.buffer(bytes));
    }

    /** The URL this service is reached at, from configuration or from the request. */
    public String baseUrl(HttpServerRequest request) {
        return config.publicBaseUrl()
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .orElseGet(() -> request.scheme() + "://" + request.host());
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            writeError(ctx.response(), 413, NullNode.getInstance(), bodyTooLarge(ctx.request()));
        } else {
            Throwable t = ctx.failure();
            if (t != null) {
                LOG.error("JSON-RPC request failed", t);
            }
            writeError(ctx.response(), status > 0 ? status : 500, NullNode.getInstance(),
                    new A2aException(A2aError.INTERNAL_ERROR, "the request could not be processed"));
        }
    }

    /**
     * A body over {@code omniforge.api.max-body-bytes}, with the four fields of every limit error. The actual size is
     * the announced {@code Content-Length}; a body without one (chunked) was cut off at the limit, so all that is
     * known is "more than" the limit.
     */
    A2aException bodyTooLarge(HttpServerRequest request) {
        long max = config.maxBodyBytes();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        String actual = length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max
                ? length : "more than " + max;
        return new A2aException(A2aError.INVALID_REQUEST, "request body exceeds the limit: it has " + actual
                + " bytes; the limit is " + max + " (omniforge.api.max-body-bytes)",
                java.util.Map.of("field", "body", "limit", "omniforge.api.max-body-bytes", "max", String.valueOf(max),
                        "actual", actual), null);
    }

    private void handle(RoutingContext ctx, A2aService service, boolean secured) {
        HttpServerResponse response = ctx.response();
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(contentType)) {
            writeError(response, 415, NullNode.getInstance(), new A2aException(A2aError.INVALID_REQUEST,
                    "Content-Type must be application/json, got " + (contentType == null ? "none" : "'" + contentType + "'")));
            return;
        }
        JsonNode body;
        try {
            Buffer raw = ctx.body().buffer();
            if (raw == null || raw.length() == 0) {
                throw new A2aException(A2aError.PARSE_ERROR, "Invalid JSON payload: the request body is empty");
            }
            body = parse(raw);
        } catch (A2aException e) {
            writeError(response, 200, NullNode.getInstance(), e);
            return;
        }
        JsonNode id = NullNode.getInstance();
        boolean streaming03 = false;
        try {
            if (body == null || !body.isObject()) {
                throw new A2aException(A2aError.INVALID_REQUEST, body != null && body.isArray()
                        ? "batch requests are not supported: send one JSON-RPC request object per call"
                        : "the body must be a JSON-RPC 2.0 request object");
            }
            JsonNode idNode = body.get("id");
            if (idNode != null && (idNode.isTextual() || idNode.isIntegralNumber())) {
                id = idNode;
            }
            if (!"2.0".equals(body.path("jsonrpc").asText(null))) {
                throw new A2aException(A2aError.INVALID_REQUEST, "'jsonrpc' must be \"2.0\"");
            }
            if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber())) {
                throw new A2aException(A2aError.INVALID_REQUEST, "'id' must be a string or an integer");
            }
            JsonNode methodNode = body.get("method");
            if (methodNode == null || !methodNode.isTextual()) {
                throw new A2aException(A2aError.INVALID_REQUEST, "'method' must be a string");
            }
            JsonNode params = body.get("params");
            if (params != null && !params.isObject() && !params.isNull()) {
                throw new A2aException(A2aError.INVALID_PARAMS, "'params' must be an object");
            }
            String methodName = methodNode.asText();
            String requested = ctx.request().getHeader(A2aVersion.HEADER);
            if (requested == null) {
                requested = ctx.request().getParam(A2aVersion.HEADER);
            }
            // A missing header means 0.3 (section 3.6.2): such a request is read and answered as 0.3.
            boolean legacy = A2aVersion.LEGACY.equals(A2aVersion.requested(requested));
            A2aMethod method = (legacy ? V03.method(methodName) : A2aMethod.fromWire(methodName))
                    .orElseThrow(() -> new A2aException(A2aError.METHOD_NOT_FOUND, "Method not found: " + methodName
                            + (legacy ? hint03(methodName) : legacyHint(methodName))));
            streaming03 = legacy && method.streaming();
            A2aVersion.negotiate(requested, SPOKEN);
            CallContext call = callContext(ctx, secured);
            JsonNode p = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
            io.omniforge.security.InputLimits.storable(p, "params");
            if (legacy) {
                p = params03(method, p);
            }
            if (secured) {
                authorize(call.caller(), method, p);
            }
            if (legacy) {
                dispatch03(ctx, service, method, call, p, id);
                return;
            }
            dispatch(ctx, service, method, call, p, id);
        } catch (A2aException e) {
            answerError(response, id, e, streaming03);
        } catch (RuntimeException e) {
            answerError(response, id, internal(e), streaming03);
        }
    }

    /**
     * A request body as JSON, within the input limits: -32700 when it is not JSON, -32600 when it nests too deep.
     * Both bindings read their bodies here.
     */
    JsonNode parse(Buffer raw) {
        try {
            return limits.readTree(raw.getBytes());
        } catch (JsonProcessingException e) {
            throw new A2aException(A2aError.PARSE_ERROR, "Invalid JSON payload: " + io.omniforge.a2a.JsonErrors.syntax(e));
        } catch (A2aException e) {
            throw e;
        } catch (Exception e) {
            throw new A2aException(A2aError.PARSE_ERROR, "Invalid JSON payload: the body could not be read as JSON");
        }
    }

    /**
     * An error before any result. A 0.3 streaming method answers it as one SSE event (HTTP 200, text/event-stream), as
     * 0.3 servers do and as 0.3 clients expect of a method they read as a stream; everything else as plain JSON.
     */
    private void answerError(HttpServerResponse response, JsonNode id, A2aException e, boolean asEvent) {
        if (!asEvent || statusOf(e) != 200) {
            writeError(response, statusOf(e), id, e);
            return;
        }
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(JsonRpcResponse.error(id, e.toJsonRpcError()));
        } catch (JsonProcessingException j) {
            writeError(response, 200, id, e);
            return;
        }
        response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(Buffer.buffer("data: ").appendBytes(bytes).appendString("\n\n"));
    }

    /**
     * Who calls and how (the authenticated caller, or this process for an endpoint that is not secured; the base URL;
     * the {@code Last-Event-ID}), with the caller's tenant and the trace on the log lines from here on.
     */
    CallContext callContext(RoutingContext ctx, boolean secured) {
        Caller caller = secured ? AuthFilter.caller(ctx) : Caller.system(CallContext.DEFAULT_TENANT);
        CallContext call = new CallContext(caller, baseUrl(ctx.request()), lastEventId(ctx.request()));
        Correlation.put(Correlation.TENANT, call.tenant());
        Correlation.putTraceId();
        return call;
    }

    /** The versions every JSON-RPC endpoint speaks; a request without {@code A2A-Version} is 0.3. */
    static final java.util.List<String> SPOKEN = java.util.List.of(A2aVersion.CURRENT, A2aVersion.LEGACY);

    /** A 0.3 request's params as the 1.0 request they stand for; what cannot be read is -32602 naming the field. */
    private static JsonNode params03(A2aMethod method, JsonNode params) {
        try {
            return V03.paramsTo10(method, params);
        } catch (IllegalArgumentException e) {
            throw A2aException.invalidParams("Invalid parameters: " + e.getMessage());
        }
    }

    /**
     * A 0.3 call: the same operations of the same service, its results and events written back as 0.3 (see
     * {@link V03}); the params were already read as 1.0.
     */
    private void dispatch03(RoutingContext ctx, A2aService service, A2aMethod method, CallContext call,
            JsonNode params, JsonNode id) {
        switch (method) {
            case SEND_STREAMING_MESSAGE, SUBSCRIBE_TO_TASK -> {
                Multi<StreamEvent> events = method == A2aMethod.SEND_STREAMING_MESSAGE
                        ? service.sendStreamingMessage(call, message(params))
                        : service.subscribeToTask(call, bind(params, SubscribeToTaskRequest.class));
                stream(ctx, id, events.map(this::event03), true);
            }
            case SEND_MESSAGE -> reply(ctx, id, service.sendMessage(call, message(params)).map(r -> to03(method, r)));
            case GET_TASK -> reply(ctx, id, service.getTask(call, bind(params, GetTaskRequest.class))
                    .map(r -> to03(method, r)));
            case CANCEL_TASK -> reply(ctx, id, service.cancelTask(call, bind(params, CancelTaskRequest.class))
                    .map(r -> to03(method, r)));
            case GET_EXTENDED_AGENT_CARD -> reply(ctx, id, service.extendedCard(call).map(r -> to03(method, r)));
            default -> dispatch(ctx, service, method, call, params, id);
        }
    }

    /** A 1.0 result as its 0.3 form. */
    private JsonNode to03(A2aMethod method, Object result) {
        try {
            // Through bytes: a task's stored JSON is spliced in raw, which a token tree would not hold.
            return V03.resultTo03(method, mapper.readTree(mapper.writeValueAsBytes(result)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a result as A2A 0.3", e);
        }
    }

    /** A stream event as 0.3 (kind-tagged, {@code final} on the status update that ends the stream), same id. */
    private StreamEvent event03(StreamEvent event) {
        try {
            String json = mapper.writeValueAsString(V03.streamResponseTo03(mapper.readTree(event.json(mapper))));
            return new StreamEvent(event.seq(), event.response(), json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a stream event as A2A 0.3", e);
        }
    }

    /** What to call a 1.0 method name sent as 0.3. */
    private static String hint03(String method) {
        return A2aMethod.fromWire(method).map(m -> " (" + method + " is an A2A 1.0 name: send the header"
                + " 'A2A-Version: 1.0' with it" + V03.methodName(m).map(n -> ", or call " + n + " as A2A 0.3").orElse("")
                + "; a request without A2A-Version is read as 0.3)").orElse("");
    }

    /** The permission each method needs; a request naming another tenant than the caller's is refused. */
    void authorize(Caller caller, A2aMethod method, JsonNode params) {
        Permission needed = switch (method) {
            case SEND_MESSAGE, SEND_STREAMING_MESSAGE -> Permission.THREADS_WRITE;
            case GET_TASK, LIST_TASKS, SUBSCRIBE_TO_TASK -> Permission.TASKS_READ;
            case CANCEL_TASK -> Permission.TASKS_CANCEL;
            case GET_EXTENDED_AGENT_CARD -> Permission.AGENTS_READ;
            case CREATE_PUSH_CONFIG, GET_PUSH_CONFIG, LIST_PUSH_CONFIGS, DELETE_PUSH_CONFIG -> null;
        };
        if (needed != null) {
            policy.require(caller, needed, method.wireName());
        }
        JsonNode tenant = params.get("tenant");
        if (tenant != null && tenant.isTextual() && !tenant.asText().isEmpty() && !tenant.asText().equals(caller.tenant())) {
            throw policy.deny(caller, "tenant", tenant.asText(), method.wireName(), "params.tenant '" + tenant.asText()
                    + "' is not the caller's tenant; leave it out (the tenant comes from the credentials)");
        }
    }

    /** JSON-RPC errors travel with HTTP 200, but for authentication and permission: 401 and 403. */
    static int statusOf(A2aException e) {
        return e.error() == A2aError.UNAUTHENTICATED || e.error() == A2aError.PERMISSION_DENIED
                ? e.error().httpStatus() : 200;
    }

    private void dispatch(RoutingContext ctx, A2aService service, A2aMethod method, CallContext call,
            JsonNode params, JsonNode id) {
        if (method.streaming()) {
            stream(ctx, id, streaming(service, method, call, params));
        } else {
            reply(ctx, id, unary(service, method, call, params));
        }
    }

    /**
     * A method that answers with one result, on {@code service}, with its params bound to the method's request
     * (-32602 when they do not fit). Every binding calls its operations here.
     */
    Uni<?> unary(A2aService service, A2aMethod method, CallContext call, JsonNode params) {
        return switch (method) {
            case SEND_MESSAGE -> service.sendMessage(call, message(params));
            case GET_TASK -> service.getTask(call, bind(params, GetTaskRequest.class));
            case LIST_TASKS -> service.listTasks(call, bind(params, ListTasksRequest.class));
            case CANCEL_TASK -> service.cancelTask(call, bind(params, CancelTaskRequest.class));
            case GET_EXTENDED_AGENT_CARD -> service.extendedCard(call);
            case CREATE_PUSH_CONFIG, GET_PUSH_CONFIG, LIST_PUSH_CONFIGS, DELETE_PUSH_CONFIG ->
                    throw new A2aException(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED,
                            "push notifications are not supported (capabilities.pushNotifications is false); "
                                    + "use SendStreamingMessage, SubscribeToTask or GetTask");
            case SEND_STREAMING_MESSAGE, SUBSCRIBE_TO_TASK ->
                    throw new IllegalArgumentException(method.wireName() + " answers with a stream");
        };
    }

    /** A method that answers with a stream of events ({@link A2aMethod#streaming()}), as {@link #unary}. */
    Multi<StreamEvent> streaming(A2aService service, A2aMethod method, CallContext call, JsonNode params) {
        return switch (method) {
            case SEND_STREAMING_MESSAGE -> service.sendStreamingMessage(call, message(params));
            case SUBSCRIBE_TO_TASK -> service.subscribeToTask(call, bind(params, SubscribeToTaskRequest.class));
            default -> throw new IllegalArgumentException(method.wireName() + " answers with one result, not a stream");
        };
    }

    /** A message request, within the input limits (-32602 naming the limit otherwise). */
    SendMessageRequest message(JsonNode params) {
        return limits.check(bind(params, SendMessageRequest.class), "params.");
    }

    /** Reads params into a request record; any mismatch becomes -32602 naming the field. */
    <T> T bind(JsonNode params, Class<T> type) {
        return bind(params, type, "params.");
    }

    /** As {@link #bind(JsonNode, Class)}, for a value at {@code prefix} (its fields are named from there). */
    <T> T bind(JsonNode params, Class<T> type, String prefix) {
        try {
            return mapper.treeToValue(params, type);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw A2aException.invalidParams("Invalid parameters: " + io.omniforge.a2a.JsonErrors.binding(e, prefix));
        } catch (JsonProcessingException e) {
            throw A2aException.invalidParams("Invalid parameters: " + io.omniforge.a2a.JsonErrors.syntax(e));
        } catch (A2aException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw A2aException.invalidParams("Invalid parameters: " + e.getMessage());
        }
    }

    /** What to call a 0.3 method name sent as 1.0. */
    private static String legacyHint(String method) {
        return V03.method(method).map(m -> " (" + method + " is the A2A 0.3 name: A2A 1.0 calls it " + m.wireName()
                + "; to call it as 0.3, send no A2A-Version header or 'A2A-Version: 0.3')").orElse("");
    }

    static Long lastEventId(HttpServerRequest request) {
        String value = request.getHeader(LAST_EVENT_ID);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw A2aException.invalidParams("the Last-Event-ID header must be an event sequence number, got '"
                    + value + "'");
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("application/a2a+json");
    }

    private void reply(RoutingContext ctx, JsonNode id, Uni<?> result) {
        AtomicBoolean closed = new AtomicBoolean();
        ctx.response().closeHandler(v -> closed.set(true));
        result.subscribe().with(
                value -> {
                    if (!closed.get()) {
                        writeJson(ctx.response(), 200, JsonRpcResponse.result(id, value));
                    }
                },
                failure -> {
                    if (!closed.get()) {
                        A2aException e = toA2a(failure);
                        writeError(ctx.response(), statusOf(e), id, e);
                    }
                });
    }

    private void stream(RoutingContext ctx, JsonNode id, Multi<StreamEvent> events) {
        stream(ctx, id, events, false);
    }

    /** {@code errorsAsEvents}: an error before the first event is one SSE event too (0.3), not plain JSON. */
    private void stream(RoutingContext ctx, JsonNode id, Multi<StreamEvent> events, boolean errorsAsEvents) {
        String idJson;
        try {
            idJson = mapper.writeValueAsString(id == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : id);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON-RPC id", e);
        }
        // The data of each event is the JSON-RPC response {"jsonrpc":"2.0","id":<id>,"result":<event>}, spliced
        // around the event's JSON, which is made once for every stream that carries the event.
        new SseWriter(ctx.response(), Vertx.currentContext(), mapper,
                "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"result\":", "}",
                error -> JsonRpcResponse.error(id, error.toJsonRpcError()),
                error -> answerError(ctx.response(), id, error, errorsAsEvents),
                this::toA2a, () -> telemetry.sseStreamOpened(ctx.normalizedPath())).start(events);
    }

    A2aException toA2a(Throwable failure) {
        if (failure instanceof A2aException a2a) {
            return a2a;
        }
        return internal(failure);
    }

    static A2aException internal(Throwable failure) {
        String ref = UUID.randomUUID().toString();
        LOG.errorf(failure, "internal error %s", ref);
        return new A2aException(A2aError.INTERNAL_ERROR, "internal error (reference " + ref + ")",
                java.util.Map.of("reference", ref), null);
    }

    private static final byte[] SERIALIZATION_FAILED =
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    void writeJson(HttpServerResponse response, int status, Object value) {
        writeJson(response, status, value, "application/json", SERIALIZATION_FAILED);
    }

    /**
     * {@code value} as JSON with {@code status} and {@code contentType}, unless the response is over; a value that
     * cannot be serialized is logged and answered 500 with {@code fallback}. Both bindings answer here.
     */
    void writeJson(HttpServerResponse response, int status, Object value, String contentType, byte[] fallback) {
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            LOG.error("could not serialize a response", e);
            status = 500;
            bytes = fallback;
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .end(Buffer.buffer(bytes));
    }

    void writeError(HttpServerResponse response, int status, JsonNode id, A2aException e) {
        writeJson(response, status, JsonRpcResponse.error(id, e.toJsonRpcError()));
    }
}
