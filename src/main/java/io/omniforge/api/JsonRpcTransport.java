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
import io.omniforge.a2a.A2aService;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.a2a.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.JsonRpcResponse;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.SubscribeToTaskRequest;
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
        router.get(prefix + "/.well-known/agent-card.json").handler(ctx -> {
            try {
                writeJson(ctx.response(), 200, service.card(baseUrl(ctx.request())));
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
    private A2aException bodyTooLarge(HttpServerRequest request) {
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
            body = limits.readTree(raw.getBytes());
        } catch (JsonProcessingException e) {
            writeError(response, 200, NullNode.getInstance(), new A2aException(A2aError.PARSE_ERROR,
                    "Invalid JSON payload: " + e.getOriginalMessage()));
            return;
        } catch (A2aException e) {
            writeError(response, 200, NullNode.getInstance(), e);
            return;
        } catch (Exception e) {
            writeError(response, 200, NullNode.getInstance(),
                    new A2aException(A2aError.PARSE_ERROR, "Invalid JSON payload: " + e.getMessage()));
            return;
        }
        JsonNode id = NullNode.getInstance();
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
            A2aMethod method = A2aMethod.fromWire(methodName).orElseThrow(() -> new A2aException(
                    A2aError.METHOD_NOT_FOUND, "Method not found: " + methodName + legacyHint(methodName)));
            String version = ctx.request().getHeader(A2aVersion.HEADER);
            if (version == null) {
                version = ctx.request().getParam(A2aVersion.HEADER);
            }
            A2aVersion.negotiate(version);
            Caller caller = secured ? AuthFilter.caller(ctx) : Caller.system(CallContext.DEFAULT_TENANT);
            CallContext call = new CallContext(caller, baseUrl(ctx.request()), lastEventId(ctx.request()));
            Correlation.put(Correlation.TENANT, call.tenant());
            Correlation.putTraceId();
            JsonNode p = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
            if (secured) {
                authorize(caller, method, p);
            }
            dispatch(ctx, service, method, call, p, id);
        } catch (A2aException e) {
            writeError(response, statusOf(e), id, e);
        } catch (RuntimeException e) {
            writeError(response, 200, id, internal(e));
        }
    }

    /** The permission each method needs; a request naming another tenant than the caller's is refused. */
    private void authorize(Caller caller, A2aMethod method, JsonNode params) {
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
        switch (method) {
            case SEND_MESSAGE -> reply(ctx, id, service.sendMessage(call, message(params)));
            case GET_TASK -> reply(ctx, id, service.getTask(call, bind(params, GetTaskRequest.class)));
            case LIST_TASKS -> reply(ctx, id, service.listTasks(call, bind(params, ListTasksRequest.class)));
            case CANCEL_TASK -> reply(ctx, id, service.cancelTask(call, bind(params, CancelTaskRequest.class)));
            case GET_EXTENDED_AGENT_CARD -> reply(ctx, id, service.extendedCard(call));
            case SEND_STREAMING_MESSAGE -> stream(ctx, id, service.sendStreamingMessage(call, message(params)));
            case SUBSCRIBE_TO_TASK -> stream(ctx, id,
                    service.subscribeToTask(call, bind(params, SubscribeToTaskRequest.class)));
            case CREATE_PUSH_CONFIG, GET_PUSH_CONFIG, LIST_PUSH_CONFIGS, DELETE_PUSH_CONFIG ->
                    throw new A2aException(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED,
                            "push notifications are not supported (capabilities.pushNotifications is false); "
                                    + "use SendStreamingMessage, SubscribeToTask or GetTask");
        }
    }

    /** A message request, within the input limits (-32602 naming the limit otherwise). */
    private SendMessageRequest message(JsonNode params) {
        return limits.check(bind(params, SendMessageRequest.class), "params.");
    }

    /** Reads params into a request record; any mismatch becomes -32602 naming the field. */
    <T> T bind(JsonNode params, Class<T> type) {
        try {
            return mapper.treeToValue(params, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw A2aException.invalidParams("Invalid parameters: " + where(e) + cause.getMessage());
        } catch (InvalidFormatException e) {
            String allowed = e.getTargetType() != null && e.getTargetType().isEnum()
                    ? "; must be one of " + Arrays.stream(e.getTargetType().getEnumConstants())
                            .map(Object::toString).collect(Collectors.joining(", "))
                    : "";
            throw A2aException.invalidParams("Invalid parameters: " + where(e) + "invalid value "
                    + e.getValue() + allowed);
        } catch (MismatchedInputException e) {
            throw A2aException.invalidParams("Invalid parameters: " + where(e) + e.getOriginalMessage());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw A2aException.invalidParams("Invalid parameters: " + e.getMessage());
        }
    }

    private static String where(com.fasterxml.jackson.databind.JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "" : "params." + path + ": ";
    }

    private static String legacyHint(String method) {
        return switch (method) {
            case "message/send" -> " (A2A 1.0 calls it SendMessage)";
            case "message/stream" -> " (A2A 1.0 calls it SendStreamingMessage)";
            case "tasks/get" -> " (A2A 1.0 calls it GetTask)";
            case "tasks/cancel" -> " (A2A 1.0 calls it CancelTask)";
            case "tasks/resubscribe" -> " (A2A 1.0 calls it SubscribeToTask)";
            default -> "";
        };
    }

    private static Long lastEventId(HttpServerRequest request) {
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

    private static boolean isJson(String contentType) {
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
                error -> writeError(ctx.response(), statusOf(error), id, error),
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

    void writeJson(HttpServerResponse response, int status, Object value) {
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            LOG.error("could not serialize a response", e);
            status = 500;
            bytes = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Buffer.buffer(bytes));
    }

    void writeError(HttpServerResponse response, int status, JsonNode id, A2aException e) {
        writeJson(response, status, JsonRpcResponse.error(id, e.toJsonRpcError()));
    }
}
