package io.omniforge.agent;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to call one agent: its name, the URL of the interface chosen from its card and the binding that
 * interface speaks, its per-call timeout, whether it streams, and the headers its calls carry (its outbound
 * credentials; for a flow of this process, the internal token and the caller), and the {@code tenant} the chosen
 * interface declares, which every request to it carries (spec 8.3.2).
 */
public record AgentTarget(String name, String url, Binding binding, Duration callTimeout, boolean streaming,
        Map<String, String> headers, String tenant) {

    public AgentTarget {
        Objects.requireNonNull(binding, "binding");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        tenant = tenant == null || tenant.isBlank() ? null : tenant;
    }

    /** An interface that names no tenant. */
    public AgentTarget(String name, String url, Binding binding, Duration callTimeout, boolean streaming,
            Map<String, String> headers) {
        this(name, url, binding, callTimeout, streaming, headers, null);
    }

    /** An agent's A2A 1.0 JSON-RPC endpoint. */
    public AgentTarget(String name, String rpcUrl, Duration callTimeout, boolean streaming) {
        this(name, rpcUrl, Binding.JSONRPC_10, callTimeout, streaming, Map.of());
    }
}
