package io.omniforge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.InputLimits;
import io.omniforge.security.Permission;
import io.omniforge.task.TaskManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/orchestrations}: runs a flow or an ad hoc orchestration outside the A2A protocol. The body is
 * the orchestration extension's object plus the message: {@code {"strategy": "parallel", "agents": [...],
 * "message": "text" or an A2A Message, "contextId": optional}} or {@code {"flow": "name", "message": ...}}. The answer
 * is the finished Task as JSON, or, with {@code Accept: text/event-stream}, the task's events as SSE (each
 * {@code data:} a StreamResponse, each {@code id:} its sequence number).
 */
@ApplicationScoped
public class OrchestrationsRoute {

    static final String PATH = "/api/v1/orchestrations";

    private final TaskManager tasks;
    private final ObjectMapper mapper;
    private final JsonRpcTransport transport;
    private final ApiConfig config;
    private final io.omniforge.observability.Telemetry telemetry;
    private final InputLimits limits;
    private final AccessPolicy policy;

    public OrchestrationsRoute(TaskManager tasks, ObjectMapper mapper, JsonRpcTransport transport, ApiConfig config,
            io.omniforge.observability.Telemetry telemetry, InputLimits limits, AccessPolicy policy) {
        this.policy = policy;
        this.telemetry = telemetry;
        this.tasks = tasks;
        this.mapper = mapper;
        this.transport = transport;
        this.config = config;
        this.limits = limits;
    }

    void mount(@Observes Router router) {
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::handle)
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413) {
                        write(ctx.response(), 413, ApiBodyLimit.tooLarge(config.maxBodyBytes()));
                    } else {
                        error(ctx.response(), JsonRpcTransport.internal(ctx.failure() != null ? ctx.failure()
                                : new IllegalStateException("request failed with " + ctx.statusCode())));
                    }
                });
        // Any other method: 405 with Allow, in the API's error shape (it would be the REST layer's 404).
        router.route(PATH).handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
            write(ctx.response(), 405, ApiError.of(405, "METHOD_NOT_ALLOWED", ctx.request().method() + " is not allowed on "
                    + PATH + ": send POST with an orchestration request", A2aError.INVALID_REQUEST.reason()));
        });
    }

    private void handle(RoutingContext ctx) {
        SendMessageRequest request;
        try {
            // The permission first: a caller who may not orchestrate learns that, not what is wrong with the body.
            policy.require(AuthFilter.caller(ctx), Permission.ORCHESTRATE, "run an orchestration");
            request = parse(ctx);
            if (request.message().taskId() != null) {
                // A reply to a task (a paused pipeline, or any task waiting for input) writes to its thread, as a
                // SendMessage naming the task does.
                policy.require(AuthFilter.caller(ctx), Permission.THREADS_WRITE, "reply to a task");
            }
        } catch (A2aException e) {
            error(ctx.response(), e);
            return;
        }
        CallContext call = new CallContext(AuthFilter.caller(ctx), transport.baseUrl(ctx.request()), null);
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("text/event-stream")) {
            new SseWriter(ctx.response(), Vertx.currentContext(), mapper, "", "",
                    error -> ApiError.of(error.error().httpStatus(), status(error), error.getMessage(), error.error().reason()),
                    error -> error(ctx.response(), error), transport::toA2a,
                    () -> telemetry.sseStreamOpened(PATH))
                    .start(tasks.sendStreamingMessage(call, request));
            return;
        }
        tasks.sendMessage(call, request).subscribe().with(
                result -> {
                    if (!ctx.response().ended()) {
                        write(ctx.response(), 200, result.task() != null ? result.task() : result.message());
                    }
                },
                failure -> error(ctx.response(), transport.toA2a(failure)));
    }

    private SendMessageRequest parse(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new A2aException(A2aError.INVALID_REQUEST, "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = limits.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (A2aException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new A2aException(A2aError.PARSE_ERROR, "the body is not valid JSON: " + io.omniforge.a2a.JsonErrors.syntax(e));
        } catch (Exception e) {
            throw new A2aException(A2aError.PARSE_ERROR, "the body could not be read as JSON");
        }
        if (body == null || !body.isObject()) {
            throw A2aException.invalidParams("the body must be a JSON object with a message and a flow or a strategy");
        }
        io.omniforge.security.InputLimits.storable(body, "");
        ObjectNode spec = ((ObjectNode) body).deepCopy();
        JsonNode rawMessage = spec.remove("message");
        JsonNode contextId = spec.remove("contextId");
        if (rawMessage == null || rawMessage.isNull()) {
            throw A2aException.invalidParams("message is required: a text, or an A2A Message object");
        }
        if (spec.path("flow").isNull() && spec.path("strategy").isNull() || !spec.path("flow").isTextual()
                && !spec.path("strategy").isTextual()) {
            throw A2aException.invalidParams("name a flow (\"flow\") or a strategy (\"strategy\" and \"agents\")");
        }
        Message message;
        try {
            message = rawMessage.isTextual() ? Message.user(UUID.randomUUID().toString(), rawMessage.asText())
                    : transport.bind(rawMessage, Message.class, "message.");
        } catch (IllegalArgumentException e) {
            throw A2aException.invalidParams("message: " + e.getMessage());
        }
        Map<String, Object> metadata = message.metadata() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(message.metadata());
        metadata.put(OrchestrationCapability.URI, mapper.convertValue(spec, Map.class));
        message = message.withMetadata(metadata);
        if (contextId != null && contextId.isTextual()) {
            message = message.withIds(contextId.asText(), message.taskId());
        }
        return limits.check(SendMessageRequest.of(message), "");
    }

    /** The status' name, as the management API's exception mappers write it (403 is FORBIDDEN, not a 500). */
    private static String status(A2aException e) {
        jakarta.ws.rs.core.Response.Status s = jakarta.ws.rs.core.Response.Status.fromStatusCode(e.error().httpStatus());
        return s == null ? String.valueOf(e.error().httpStatus()) : s.name();
    }

    private void error(HttpServerResponse response, A2aException e) {
        write(response, e.error().httpStatus(),
                new ApiError(new ApiError.Body(e.error().httpStatus(), status(e), e.getMessage(),
                        List.of(io.omniforge.a2a.ErrorInfo.of(e.error().reason(), null)))));
    }

    private void write(HttpServerResponse response, int status, Object body) {
        if (response.ended() || response.closed()) {
            return;
        }
        try {
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(io.vertx.core.buffer.Buffer.buffer(mapper.writeValueAsBytes(body)));
        } catch (Exception e) {
            response.setStatusCode(500).end();
        }
    }
}
