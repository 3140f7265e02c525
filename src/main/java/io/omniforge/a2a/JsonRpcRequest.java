package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** A JSON-RPC 2.0 request as the downstream client writes it and the endpoint reads it. */
@JsonPropertyOrder({"jsonrpc", "id", "method", "params"})
public record JsonRpcRequest(String jsonrpc, JsonNode id, String method, Object params) {

    public static JsonRpcRequest of(JsonNode id, String method, Object params) {
        return new JsonRpcRequest(JsonRpcResponse.VERSION, id, method, params);
    }
}
