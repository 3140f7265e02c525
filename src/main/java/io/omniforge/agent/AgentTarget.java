package io.omniforge.agent;

import java.time.Duration;

/** Where and how to call one agent: its name, JSON-RPC URL and per-call timeout. */
public record AgentTarget(String name, String rpcUrl, Duration callTimeout, boolean streaming) {
}
