package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A JSON-RPC 2.0 response: a {@code result} or an {@code error}, never both. {@code id} is always written,
 * as {@code null} when the request's id could not be read.
 */
@JsonPropertyOrder({"jsonrpc", "id", "result", "error"})
public record JsonRpcResponse(
        String jsonrpc,
        @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode id,
        Object result,
        JsonRpcError error) {

    public static final String VERSION = "2.0";

    public JsonRpcResponse {
        if (id == null) {
            id = NullNode.getInstance();
        }
    }

    public static JsonRpcResponse result(JsonNode id, Object result) {
        return new JsonRpcResponse(VERSION, id, result, null);
    }

    public static JsonRpcResponse error(JsonNode id, JsonRpcError error) {
        return new JsonRpcResponse(VERSION, id, null, error);
    }
}
