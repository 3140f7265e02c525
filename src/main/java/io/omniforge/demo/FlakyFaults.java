package io.omniforge.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.a2a.JsonRpcError;
import io.omniforge.a2a.JsonRpcResponse;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamEvent;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * The flaky agent's failures, which a typed A2aService cannot express: it runs before the JSON-RPC transport on
 * the flaky agent's endpoint, decides for each SendMessage/SendStreamingMessage whether it fails and how, and
 * answers the failures itself. Everything else (other methods, successful calls, requests the transport has to
 * reject) goes on to the transport.
 */
final class FlakyFaults implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(FlakyFaults.class);
    static final String FAILED_ON_PURPOSE = "flaky agent failed on purpose";
    static final String FAIL = "fail:";
    static final String OK = "ok";

    private final FlakyAgent agent;
    private final ObjectMapper mapper;
    private final double failureRate;
    private final FlakyMode mode;

    FlakyFaults(FlakyAgent agent, ObjectMapper mapper, DemoConfig.Flaky config) {
        if (!(config.failureRate() >= 0 && config.failureRate() <= 1)) {
            throw new IllegalArgumentException("omniforge.demo.flaky.failure-rate must be between 0 and 1, got "
                    + config.failureRate());
        }
        this.agent = agent;
        this.mapper = mapper;
        this.failureRate = config.failureRate();
        this.mode = config.mode();
    }

    /** A send call as read from the body. */
    private record Send(JsonNode id, boolean streaming, SendMessageRequest request) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<Send> send = read(ctx);
        if (send.isEmpty()) {
            ctx.next();
            return;
        }
        JsonNode id = send.get().id();
        FlakyMode failure;
        try {
            failure = decide(send.get().request().message().text()).orElse(null);
        } catch (A2aException e) {
            writeJson(ctx.response(), 200, JsonRpcResponse.error(id, e.toJsonRpcError()));
            return;
        }
        if (failure == null) {
            ctx.next();
            return;
        }
        LOG.debugf("flaky agent fails a %s call in mode %s", send.get().streaming() ? "streaming" : "send",
                failure.wireName());
        HttpServerResponse response = ctx.response();
        switch (failure) {
            case ERROR -> writeJson(response, 200, JsonRpcResponse.error(id, failedOnPurpose()));
            case MALFORMED -> malformed(response, id, send.get().streaming());
            case HTTP_500 -> response.setStatusCode(500)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("flaky agent: internal server error (on purpose)");
            case BREAK_STREAM -> {
                if (send.get().streaming()) {
                    breakStream(ctx.request().connection(), response, id, send.get().request());
                } else {
                    writeJson(response, 200, JsonRpcResponse.error(id, failedOnPurpose()));
                }
            }
        }
    }

    /** Forced by the text ("ok", "fail:<mode>"), else failing {@code failure-rate} of the calls in the configured mode. */
    Optional<FlakyMode> decide(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase(OK)) {
            return Optional.empty();
        }
        if (t.startsWith(FAIL)) {
            String[] words = t.substring(FAIL.length()).strip().split("\\s+", 2);
            return Optional.of(FlakyMode.fromWire(words[0]).orElseThrow(() -> A2aException.invalidParams(
                    "unknown flaky mode '" + words[0] + "'; one of " + FlakyMode.allWireNames())));
        }
        return ThreadLocalRandom.current().nextDouble() < failureRate ? Optional.of(mode) : Optional.empty();
    }

    /** A well-formed send call, or empty for whatever the transport should answer (including its errors). */
    private Optional<Send> read(RoutingContext ctx) {
        try {
            String version = ctx.request().getHeader(A2aVersion.HEADER);
            A2aVersion.negotiate(version != null ? version : ctx.request().getParam(A2aVersion.HEADER));
            Buffer body = ctx.body().buffer();
            if (body == null || body.length() == 0) {
                return Optional.empty();
            }
            JsonNode json = mapper.readTree(body.getBytes());
            JsonNode id = json.path("id");
            if (!(id.isTextual() || id.isIntegralNumber()) || !json.path("params").isObject()) {
                return Optional.empty();
            }
            Optional<A2aMethod> method = A2aMethod.fromWire(json.path("method").asText(""));
            if (method.isEmpty() || !(method.get() == A2aMethod.SEND_MESSAGE || method.get() == A2aMethod.SEND_STREAMING_MESSAGE)) {
                return Optional.empty();
            }
            SendMessageRequest request = mapper.treeToValue(json.get("params"), SendMessageRequest.class);
            return Optional.of(new Send(id, method.get().streaming(), request));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the transport reports it
        }
    }

    private static JsonRpcError failedOnPurpose() {
        return new A2aException(A2aError.INTERNAL_ERROR, FAILED_ON_PURPOSE).toJsonRpcError();
    }

    /** HTTP 200 and JSON, but the result is no Task, Message or stream event. */
    private void malformed(HttpServerResponse response, JsonNode id, boolean streaming) {
        JsonRpcResponse unexpected = JsonRpcResponse.result(id, Map.of("unexpected", true));
        if (!streaming) {
            writeJson(response, 200, unexpected);
            return;
        }
        sseHeaders(response).end(frame(unexpected));
    }

    /** The Task and one more event as SSE, then the connection is dropped with no terminal event. */
    static final long BREAK_AFTER_MS = 200;

    private void breakStream(io.vertx.core.http.HttpConnection connection, HttpServerResponse response, JsonNode id,
            SendMessageRequest request) {
        agent.breakingStream(request).collect().asList().subscribe().with(events -> {
            if (response.closed()) {
                return;
            }
            sseHeaders(response);
            for (int i = 0; i < events.size() - 1; i++) {
                response.write(frame(JsonRpcResponse.result(id, events.get(i).response())));
            }
            StreamEvent last = events.get(events.size() - 1);
            // Close (FIN, not RST) so the client reads what was sent, then meets a chunked body that never ends.
            response.write(frame(JsonRpcResponse.result(id, last.response())))
                    .onComplete(written -> io.vertx.core.Vertx.currentContext().owner()
                            // A moment for the client to take in what was sent: a close right behind the last
                            // chunk can reach a client's HTTP stack before it handed the data over.
                            .setTimer(BREAK_AFTER_MS, t -> connection.close()));
        }, failure -> {
            if (!(failure instanceof A2aException)) {
                LOG.error("the flaky agent's broken stream failed", failure);
            }
            A2aException error = failure instanceof A2aException a2a ? a2a
                    : new A2aException(A2aError.INTERNAL_ERROR, "the flaky agent failed unexpectedly");
            writeJson(response, 200, JsonRpcResponse.error(id, error.toJsonRpcError()));
        });
    }

    private static HttpServerResponse sseHeaders(HttpServerResponse response) {
        return response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    private Buffer frame(JsonRpcResponse payload) {
        return Buffer.buffer("data: ").appendBytes(bytes(payload)).appendString("\n\n");
    }

    private void writeJson(HttpServerResponse response, int status, JsonRpcResponse payload) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Buffer.buffer(bytes(payload)));
    }

    private byte[] bytes(JsonRpcResponse payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize a JSON-RPC response", e);
        }
    }
}
