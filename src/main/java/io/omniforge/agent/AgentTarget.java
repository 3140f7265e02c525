package io.omniforge.agent;

import java.time.Duration;
import java.util.Map;

/**
 * Where and how to call one agent: its name, JSON-RPC URL, per-call timeout, whether it streams, and the headers
 * its calls carry (its outbound credentials; for a flow of this process, the internal token and the caller).
 */
public record AgentTarget(String name, String rpcUrl, Duration callTimeout, boolean streaming, Map<String, String> headers) {

    public AgentTarget {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public AgentTarget(String name, String rpcUrl, Duration callTimeout, boolean streaming) {
        this(name, rpcUrl, callTimeout, streaming, Map.of());
    }
}
