package io.omniforge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.v03.V03;

/**
 * A2A 0.3 over JSON-RPC: the 1.0 JSON-RPC envelope ({@link JsonRpcDialect}) with the 0.3 method names, and params,
 * results, stream events and error codes translated by {@link V03}, the gateway's one translation between the
 * versions. No {@code A2A-Version} header is sent: 0.3 has none, and a missing header means 0.3. Where the agent's
 * answer cannot be read as 1.0, the call fails with INVALID_RESPONSE naming the field.
 */
final class JsonRpc03Dialect implements Dialect {

    private final JsonRpcDialect rpc;
    private final ObjectMapper mapper;

    JsonRpc03Dialect(JsonRpcDialect rpc, ObjectMapper mapper) {
        this.rpc = rpc;
        this.mapper = mapper;
    }

    @Override
    public Request request(A2aMethod method, Object params, String url) {
        String name = V03.methodName(method).orElseThrow(() -> new A2aException(A2aError.UNSUPPORTED_OPERATION,
                "A2A 0.3 has no " + method.wireName() + ": the agent speaks only 0.3"));
        return rpc.request(name, V03.paramsTo03(method, mapper.valueToTree(params)), url, null);
    }

    @Override
    public <T> T result(Answer answer, Class<T> type) {
        JsonNode result = rpc.resultOf(answer, V03::errorCode);
        JsonNode as10;
        try {
            as10 = V03.resultTo10(answer.method(), result);
        } catch (IllegalArgumentException e) {
            throw AgentException.invalid(answer.agent(), V03.methodName(answer.method()).orElse(answer.method().wireName())
                    + " returned an A2A 0.3 result the gateway cannot read: " + e.getMessage());
        }
        return answer.read(mapper, as10, type);
    }

    @Override
    public StreamResponse event(Answer answer) {
        return result(answer, StreamResponse.class);
    }
}
