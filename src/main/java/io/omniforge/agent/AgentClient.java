package io.omniforge.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.JsonRpcRequest;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.observability.AgentCall;
import io.omniforge.observability.Telemetry;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.mutiny.core.parsetools.RecordParser;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The A2A 1.0 JSON-RPC client for downstream agents, on the Vert.x HTTP client: pooled keep-alive connections,
 * a connect timeout, a timeout on every call and an idle timeout on every stream, {@code A2A-Version: 1.0} on
 * every request, and no redirect followed. Whatever an agent answers that is not A2A becomes an {@link AgentException}
 * of kind INVALID_RESPONSE (error -32006), never a hang. Every call is observed (a span whose {@code traceparent} goes
 * to the agent, the {@code omniforge.agent.calls} timer, and the audit event {@code agent.call.failed}); the Vert.x
 * client's own tracing is off, so the agent sees this call's span as its parent.
 */
@ApplicationScoped
public class AgentClient {

    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final AgentConfig config;
    private final Telemetry telemetry;
    private final AtomicLong ids = new AtomicLong();

    public AgentClient(Vertx vertx, ObjectMapper mapper, AgentConfig config, Telemetry telemetry) {
        this.mapper = mapper;
        this.config = config;
        this.telemetry = telemetry;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(config.maxConnectionsPerHost())
                .setTcpNoDelay(true)
                .setDecompressionSupported(true));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    /** Fetches and validates the card at {@code <baseUrl>/.well-known/agent-card.json}. */
    public Uni<AgentCard> fetchCard(String agent, String baseUrl) {
        String url = (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
                + "/.well-known/agent-card.json";
        return observed(() -> telemetry.cardFetch(agent, CARD), observation -> {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                    .setFollowRedirects(false)
                    .setIdleTimeout(config.cardTimeout().toMillis())
                    .putHeader("Accept", JSON).putHeader(A2aVersion.HEADER, A2aVersion.CURRENT);
            observation.inject(options::putHeader);
            return http.request(options)
                    .onItem().transformToUni(req -> req.send())
                    .onItem().<AgentCard>transformToUni(response -> {
                        if (response.statusCode() != 200) {
                            return readBody(agent, response).map(body -> {
                                throw AgentException.invalid(agent, "GET " + url + " answered HTTP " + response.statusCode()
                                        + redirect(response));
                            });
                        }
                        return readBody(agent, response).map(body -> {
                            try {
                                return mapper.readValue(body.getBytes(), AgentCard.class).validate();
                            } catch (Exception e) {
                                throw AgentException.invalid(agent, "the card at " + url + " is not a valid A2A 1.0 card: "
                                        + rootMessage(e));
                            }
                        });
                    })
                    .ifNoItem().after(config.cardTimeout())
                    .failWith(() -> AgentException.timeout(agent, "no card from " + url + " within " + config.cardTimeout()))
                    .onFailure(f -> !(f instanceof AgentException)).transform(f -> AgentException.unreachable(agent, f));
        });
    }

    public Uni<SendMessageResponse> sendMessage(AgentTarget target, SendMessageRequest request) {
        return call(target, A2aMethod.SEND_MESSAGE, request, SendMessageResponse.class);
    }

    public Uni<Task> getTask(AgentTarget target, String taskId) {
        return call(target, A2aMethod.GET_TASK, new GetTaskRequest(null, taskId, null), Task.class);
    }

    public Uni<Task> cancelTask(AgentTarget target, String taskId) {
        return call(target, A2aMethod.CANCEL_TASK, new CancelTaskRequest(null, taskId, null), Task.class);
    }

    public Multi<StreamResponse> sendStreamingMessage(AgentTarget target, SendMessageRequest request) {
        return stream(target, A2aMethod.SEND_STREAMING_MESSAGE, request);
    }

    public Multi<StreamResponse> subscribeToTask(AgentTarget target, String taskId) {
        return stream(target, A2aMethod.SUBSCRIBE_TO_TASK, new SubscribeToTaskRequest(null, taskId));
    }

    /**
     * An agent's answer, recovered when it breaks: if the connection fails (or the stream ends) before the task
     * reached a final or interrupted state and the agent already named its task, the task is followed again with
     * SubscribeToTask (when the agent streams) and, failing that, read with GetTask. What cannot be recovered ends
     * the stream as it ended (the consumer sees no final state and fails the task).
     */
    public Multi<StreamResponse> resilient(AgentTarget target, Multi<StreamResponse> answer) {
        return Multi.createFrom().deferred(() -> {
            // The recovering calls continue the trace of the call they recover, whatever thread notices the break.
            Context trace = Context.current();
            AtomicReference<String> remote = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            return answer.invoke(e -> track(e, remote, ended))
                    .onFailure(f -> f instanceof AgentException a && a.kind() == AgentException.Kind.UNREACHABLE
                            && remote.get() != null)
                    .recoverWithCompletion()
                    .onCompletion().switchTo(() -> ended.get() || remote.get() == null ? Multi.createFrom().empty()
                            : recover(target, remote.get(), ended, trace));
        });
    }

    private Multi<StreamResponse> recover(AgentTarget target, String taskId, AtomicBoolean ended, Context trace) {
        Multi<StreamResponse> resubscribed = target.streaming()
                ? Telemetry.within(trace, () -> subscribeToTask(target, taskId))
                        .invoke(e -> track(e, new AtomicReference<>(taskId), ended))
                        .onFailure(io.omniforge.a2a.A2aException.class::isInstance).recoverWithCompletion()
                : Multi.createFrom().empty();
        return resubscribed.onCompletion().switchTo(() -> ended.get() ? Multi.createFrom().empty()
                : Telemetry.within(trace, () -> getTask(target, taskId).toMulti()).map(StreamResponse::of)
                        .onFailure(io.omniforge.a2a.A2aException.class::isInstance).recoverWithCompletion());
    }

    private static void track(StreamResponse e, AtomicReference<String> remote, AtomicBoolean ended) {
        String id = e.task() != null ? e.task().id() : e.statusUpdate() != null ? e.statusUpdate().taskId()
                : e.artifactUpdate() != null ? e.artifactUpdate().taskId() : e.message().taskId();
        if (id != null) {
            remote.compareAndSet(null, id);
        }
        io.omniforge.a2a.TaskState state = e.state();
        if (e.message() != null || (state != null && state.endsStream())) {
            ended.set(true);
        }
    }

    /** One JSON-RPC call with a JSON answer. */
    <T> Uni<T> call(AgentTarget target, A2aMethod method, Object params, Class<T> resultType) {
        Duration timeout = target.callTimeout() != null ? target.callTimeout() : config.callTimeout();
        return observed(() -> telemetry.agentCall(target.name(), method.wireName()),
                observation -> Uni.createFrom().deferred(() -> {
                    Buffer body = encode(method, params);
                    RequestOptions options = post(target, JSON, observation).setIdleTimeout(timeout.toMillis());
                    return http.request(options).onItem().transformToUni(req -> req.send(body));
                })
                .onItem().transformToUni(response -> readBody(target.name(), response)
                        .map(body -> decodeResult(target.name(), method, response, body, resultType)))
                .ifNoItem().after(timeout)
                .failWith(() -> AgentException.timeout(target.name(), method.wireName() + " took longer than " + timeout))
                .onFailure(f -> !(f instanceof io.omniforge.a2a.A2aException))
                .transform(f -> AgentException.unreachable(target.name(), f)));
    }

    /**
     * A JSON-RPC call answered by an SSE stream; an agent that answers plain JSON instead (a single result or an
     * error) is accepted too. Cancelling the Multi closes the connection.
     */
    Multi<StreamResponse> stream(AgentTarget target, A2aMethod method, Object params) {
        String agent = target.name();
        return Multi.createFrom().deferred(() -> {
            AgentCall observation = telemetry.agentCall(agent, method.wireName());
            return Uni.createFrom().deferred(() -> {
                    Buffer body = encode(method, params);
                    RequestOptions options = post(target, EVENT_STREAM + ", " + JSON, observation)
                            .setIdleTimeout(config.streamIdleTimeout().toMillis());
                    return http.request(options).onItem().transformToUni(req -> req.send(body));
                })
                .ifNoItem().after(config.streamIdleTimeout())
                .failWith(() -> AgentException.timeout(agent, method.wireName() + " did not start streaming within "
                        + config.streamIdleTimeout()))
                .onItem().transformToMulti(response -> {
                    String type = contentType(response);
                    if (response.statusCode() == 200 && type.startsWith(EVENT_STREAM)) {
                        return events(agent, method, response);
                    }
                    return readBody(agent, response).toMulti().map(bodyBuffer ->
                            decodeResult(agent, method, response, bodyBuffer, StreamResponse.class));
                })
                .onFailure(f -> !(f instanceof io.omniforge.a2a.A2aException))
                .transform(f -> {
                    if (isTimeout(f)) {
                        return AgentException.timeout(agent, method.wireName() + " stream was silent for longer than "
                                + config.streamIdleTimeout());
                    }
                    if (f instanceof IllegalStateException) { // the line parser's size limit
                        return AgentException.invalid(agent, "a stream line exceeds " + config.maxResponseBytes() + " bytes");
                    }
                    return AgentException.unreachable(agent, f);
                })
                .onTermination().invoke((failure, cancelled) -> end(observation, failure, cancelled));
        });
    }

    /** The name the timer and the span give a card fetch. */
    static final String CARD = "GetAgentCard";

    /** Observes one call from its subscription to its end (see {@link AgentCall}). */
    private <T> Uni<T> observed(Supplier<AgentCall> start, Function<AgentCall, Uni<T>> call) {
        return Uni.createFrom().deferred(() -> {
            AgentCall observation = start.get();
            return call.apply(observation)
                    .onItemOrFailure().invoke((item, failure) -> end(observation, failure, false))
                    .onCancellation().invoke(observation::cancelled);
        });
    }

    private static void end(AgentCall observation, Throwable failure, boolean cancelled) {
        if (cancelled) {
            observation.cancelled();
        } else if (failure == null) {
            observation.succeeded();
        } else if (failure instanceof AgentException e) {
            observation.failed(e.kind().name().toLowerCase(Locale.ROOT), e.error().code());
        } else if (failure instanceof io.omniforge.a2a.A2aException e) {
            observation.failed("error", e.error().code());
        } else {
            observation.failed("error", null);
        }
    }

    private Multi<StreamResponse> events(String agent, A2aMethod method, HttpClientResponse response) {
        RecordParser lines = RecordParser.newDelimited("\n", response).maxRecordSize(config.maxResponseBytes());
        SseDecoder decoder = new SseDecoder(config.maxResponseBytes());
        return lines.toMulti()
                .map(b -> b.toString(java.nio.charset.StandardCharsets.UTF_8))
                .onItem().transformToIterable(line -> {
                    try {
                        return decoder.line(line);
                    } catch (IllegalStateException e) {
                        throw AgentException.invalid(agent, e.getMessage());
                    }
                })
                .onCompletion().continueWith(decoder::end)
                .map(data -> decodeResult(agent, method, response, Buffer.buffer(data), StreamResponse.class))
                .onCancellation().invoke(() -> {
                    // Nobody reads this stream any more: the reset's own failure has no one to go to (it would be
                    // logged as an error Mutiny had to drop).
                    response.exceptionHandler(ignored -> { });
                    response.request().reset();
                });
    }

    private RequestOptions post(AgentTarget target, String accept, AgentCall observation) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.rpcUrl())
                .setFollowRedirects(false)
                .putHeader("Content-Type", JSON)
                .putHeader("Accept", accept)
                .putHeader(A2aVersion.HEADER, A2aVersion.CURRENT);
        target.headers().forEach(options::putHeader);
        observation.inject(options::putHeader);
        return options;
    }

    private Buffer encode(A2aMethod method, Object params) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(
                    JsonRpcRequest.of(IntNode.valueOf((int) (ids.incrementAndGet() & 0x7fffffff)), method.wireName(), params)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + method.wireName(), e);
        }
    }

    /** Reads a whole body, failing once it grows past the configured limit instead of buffering without bound. */
    private Uni<Buffer> readBody(String agent, HttpClientResponse response) {
        int max = config.maxResponseBytes();
        return response.toMulti()
                .collect().in(Buffer::buffer, (acc, chunk) -> {
                    if (acc.length() + chunk.length() > max) {
                        throw AgentException.invalid(agent, "the response exceeds " + max + " bytes");
                    }
                    acc.appendBuffer(chunk);
                });
    }

    private <T> T decodeResult(String agent, A2aMethod method, HttpClientResponse response, Buffer body, Class<T> type) {
        String what = method.wireName();
        if (!redirect(response).isEmpty()) {
            throw AgentException.invalid(agent, what + " answered HTTP " + response.statusCode() + redirect(response));
        }
        byte[] bytes = body.getBytes();
        T plain = decodePlainResult(bytes, type);
        if (plain != null) {
            return plain;
        }
        JsonNode envelope;
        try {
            envelope = mapper.readTree(bytes);
        } catch (Exception e) {
            throw AgentException.invalid(agent, what + " answered HTTP " + response.statusCode() + " with "
                    + (contentType(response).isEmpty() ? "no content type" : contentType(response))
                    + " that is not JSON" + snippet(body));
        }
        if (envelope == null || !envelope.isObject() || !"2.0".equals(envelope.path("jsonrpc").asText(null))) {
            throw AgentException.invalid(agent, what + " answered HTTP " + response.statusCode()
                    + " with something that is not a JSON-RPC 2.0 response" + snippet(body));
        }
        JsonNode error = envelope.get("error");
        if (error != null && error.isObject()) {
            int code = error.path("code").asInt(A2aError.INTERNAL_ERROR.code());
            A2aError known = java.util.Arrays.stream(A2aError.values()).filter(e -> e.code() == code).findFirst()
                    .orElse(A2aError.INTERNAL_ERROR);
            throw new AgentException(AgentException.Kind.REMOTE_ERROR, agent, known,
                    "agent '" + agent + "' answered " + what + " with error " + code + ": "
                            + error.path("message").asText("(no message)"), null);
        }
        JsonNode result = envelope.get("result");
        if (result == null || !result.isObject()) {
            throw AgentException.invalid(agent, what + " returned neither a result object nor an error");
        }
        try {
            return mapper.treeToValue(result, type);
        } catch (Exception e) {
            throw AgentException.invalid(agent, what + " returned a result that is not a valid "
                    + type.getSimpleName() + ": " + rootMessage(e));
        }
    }

    /**
     * The usual answer, {@code {"jsonrpc":"2.0","id":...,"result":{...}}} with a valid result, read in one pass
     * straight into {@code type}; null for anything else (an error, a malformed envelope or result), which the
     * caller then reads as a tree to say exactly what is wrong.
     */
    private <T> T decodePlainResult(byte[] bytes, Class<T> type) {
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean version = false;
            T result = null;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "jsonrpc" -> version = value == JsonToken.VALUE_STRING && "2.0".equals(p.getText());
                    case "result" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        result = mapper.readValue(p, type);
                    }
                    case "error" -> {
                        return null;
                    }
                    default -> p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return version ? result : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Vert.x reports an idle timeout with its own exception type; Mutiny's deadline with TimeoutException. */
    private static boolean isTimeout(Throwable f) {
        return f instanceof TimeoutException || f.getClass().getSimpleName().contains("Timeout");
    }

    /** Redirects are never followed: one could lead to an address the agent URL guard refuses. */
    private static String redirect(HttpClientResponse response) {
        int status = response.statusCode();
        return status >= 300 && status < 400 ? " (a redirect to " + response.getHeader("Location") + ", not followed)" : "";
    }

    private static String contentType(HttpClientResponse response) {
        String type = response.getHeader("Content-Type");
        return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    private static String snippet(Buffer body) {
        String s = body.toString();
        s = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return s.isBlank() ? "" : ": " + s.replaceAll("\\s+", " ");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message != null && message.contains("\n")) {
            message = message.substring(0, message.indexOf('\n'));
        }
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
