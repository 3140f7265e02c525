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
import io.omniforge.a2a.JsonRpcRequest;
import io.omniforge.a2a.StreamResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A2A 1.0 over JSON-RPC 2.0: every operation a POST of a request envelope to the interface's URL, with
 * {@code A2A-Version: 1.0}; every answer, and every SSE event's data, a response envelope whose {@code result} is the
 * 1.0 object. The envelope handling is shared with {@link JsonRpc03Dialect}.
 */
final class JsonRpcDialect implements Dialect {

    /** How an agent's error code is read: the code it means, from the code and message it sent. */
    @FunctionalInterface
    interface ErrorCodes {
        int meaning(int code, String message);
    }

    private final ObjectMapper mapper;
    private final AtomicLong ids = new AtomicLong();

    JsonRpcDialect(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Request request(A2aMethod method, Object params, String url) {
        return request(method.wireName(), params, url, A2aVersion.CURRENT);
    }

    /** A POST of the envelope {@code {"jsonrpc":"2.0","id":n,"method":name,"params":params}}. */
    Request request(String name, Object params, String url, String version) {
        try {
            Buffer body = Buffer.buffer(mapper.writeValueAsBytes(
                    JsonRpcRequest.of(IntNode.valueOf((int) (ids.incrementAndGet() & 0x7fffffff)), name, params)));
            return new Request(HttpMethod.POST, url, body, version);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + name, e);
        }
    }

    @Override
    public <T> T result(Answer answer, Class<T> type) {
        T plain = decodePlainResult(answer.body().getBytes(), type);
        if (plain != null) {
            return plain;
        }
        return answer.read(mapper, resultOf(answer, (code, message) -> code), type);
    }

    @Override
    public StreamResponse event(Answer answer) {
        return result(answer, StreamResponse.class);
    }

    /**
     * The {@code result} member of a JSON-RPC response; an {@code error} member is thrown as the A2A error its code
     * means ({@code codes}; a code that is none of A2A's is INTERNAL_ERROR), anything else as INVALID_RESPONSE.
     */
    JsonNode resultOf(Answer answer, ErrorCodes codes) {
        JsonNode envelope = answer.json(mapper);
        if (!envelope.isObject() || !"2.0".equals(envelope.path("jsonrpc").asText(null))) {
            throw AgentException.invalid(answer.agent(), answer.said()
                    + " with something that is not a JSON-RPC 2.0 response" + answer.snippet());
        }
        JsonNode error = envelope.get("error");
        if (error != null && error.isObject()) {
            int code = error.path("code").asInt(A2aError.INTERNAL_ERROR.code());
            String message = error.path("message").asText("(no message)");
            int meant = codes.meaning(code, message);
            throw answer.remote(A2aError.ofCode(meant).orElse(A2aError.INTERNAL_ERROR), "error " + code
                    + (meant != code ? " (taken as " + meant + ", which its message names)" : "") + ": " + message);
        }
        JsonNode result = envelope.get("result");
        if (result == null || !result.isObject()) {
            throw AgentException.invalid(answer.agent(), answer.method().wireName()
                    + " returned neither a result object nor an error");
        }
        return result;
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
}
