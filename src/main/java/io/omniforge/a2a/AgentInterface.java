package io.omniforge.a2a;

/** One endpoint of an agent: its URL, binding and protocol version. */
public record AgentInterface(String url, String protocolBinding, String tenant, String protocolVersion) {

    public static final String JSONRPC = "JSONRPC";
    public static final String HTTP_JSON = "HTTP+JSON";

    public static AgentInterface jsonRpc(String url) {
        return new AgentInterface(url, JSONRPC, null, "1.0");
    }
}
