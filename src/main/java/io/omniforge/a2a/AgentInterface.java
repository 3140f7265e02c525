package io.omniforge.a2a;

/** One endpoint of an agent: its URL, binding and protocol version. */
public record AgentInterface(String url, String protocolBinding, String tenant, String protocolVersion) {

    public static final String JSONRPC = "JSONRPC";
    public static final String HTTP_JSON = "HTTP+JSON";

    public static AgentInterface jsonRpc(String url) {
        return new AgentInterface(url, JSONRPC, null, "1.0");
    }

    /** The HTTP+JSON binding of A2A 1.0 at {@code url} (its operations are {@code url + "/message:send"} and so on). */
    public static AgentInterface httpJson(String url) {
        return new AgentInterface(url, HTTP_JSON, null, "1.0");
    }
}
