package io.omniforge.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A2A 1.0 over HTTP+JSON (specification section 11): {@code POST {url}/message:send} and {@code /message:stream},
 * {@code GET {url}/tasks/{id}}, {@code POST {url}/tasks/{id}:cancel} and {@code :subscribe}, with
 * {@code A2A-Version: 1.0}. A successful answer's body is the 1.0 object itself, and so is each SSE event's data. An
 * error is a {@code google.rpc.Status} body, {@code {"error":{"code","status","message","details":[...]}}}, whose
 * {@code google.rpc.ErrorInfo} detail's {@code reason} names the A2A error; within a stream it comes as an event.
 */
final class HttpJsonDialect implements Dialect {

    private static final String ERROR_INFO = "google.rpc.ErrorInfo";

    private final ObjectMapper mapper;

    HttpJsonDialect(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Request request(A2aMethod method, Object params, String url) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return switch (method) {
            case SEND_MESSAGE -> post(base + "/message:send", params);
            case SEND_STREAMING_MESSAGE -> post(base + "/message:stream", params);
            case GET_TASK -> {
                GetTaskRequest get = (GetTaskRequest) params;
                String query = (get.historyLength() == null ? "" : "&historyLength=" + get.historyLength())
                        + (get.tenant() == null ? "" : "&tenant=" + URLEncoder.encode(get.tenant(), StandardCharsets.UTF_8));
                yield new Request(HttpMethod.GET, base + "/tasks/" + segment(get.id())
                        + (query.isEmpty() ? "" : "?" + query.substring(1)), null, A2aVersion.CURRENT);
            }
            case CANCEL_TASK -> {
                CancelTaskRequest cancel = (CancelTaskRequest) params;
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                if (cancel.tenant() != null) {
                    body.put("tenant", cancel.tenant());
                }
                if (cancel.metadata() != null) {
                    body.put("metadata", cancel.metadata());
                }
                yield post(base + "/tasks/" + segment(cancel.id()) + ":cancel", body);
            }
            case SUBSCRIBE_TO_TASK -> {
                SubscribeToTaskRequest subscribe = (SubscribeToTaskRequest) params;
                yield post(base + "/tasks/" + segment(subscribe.id()) + ":subscribe",
                        subscribe.tenant() == null ? Map.of() : Map.of("tenant", subscribe.tenant()));
            }
            default -> throw new A2aException(A2aError.UNSUPPORTED_OPERATION,
                    "the downstream client does not call " + method.wireName() + " over HTTP+JSON");
        };
    }

    private Request post(String url, Object body) {
        try {
            return new Request(HttpMethod.POST, url, Buffer.buffer(mapper.writeValueAsBytes(body)), A2aVersion.CURRENT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the body of " + url, e);
        }
    }

    /** A task id as one path segment. */
    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public <T> T result(Answer answer, Class<T> type) {
        JsonNode body = answer.json(mapper);
        if (body.path("error").isObject()) {
            throw error(answer, body.get("error"));
        }
        if (answer.status() / 100 != 2) {
            throw AgentException.invalid(answer.agent(), answer.said()
                    + " with a body that is not a google.rpc.Status error" + answer.snippet());
        }
        return answer.read(mapper, body, type);
    }

    @Override
    public StreamResponse event(Answer answer) {
        return result(answer, StreamResponse.class);
    }

    /**
     * The agent's error as the A2A error its ErrorInfo reason names; an error without a reason the gateway knows is
     * INTERNAL_ERROR, its HTTP status and message quoted.
     */
    private static AgentException error(Answer answer, JsonNode error) {
        String reason = null;
        for (JsonNode detail : error.path("details")) {
            if (detail.path("@type").asText("").endsWith(ERROR_INFO) && detail.hasNonNull("reason")) {
                reason = detail.get("reason").asText();
                break;
            }
        }
        A2aError known = reason == null ? A2aError.INTERNAL_ERROR : A2aError.ofReason(reason).orElse(A2aError.INTERNAL_ERROR);
        return answer.remote(known, "HTTP " + answer.status() + (reason == null ? "" : " " + reason) + ": "
                + error.path("message").asText("(no message)"));
    }
}
