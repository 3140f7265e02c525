package io.omniforge.a2a;

/** Who runs an agent. */
public record AgentProvider(String organization, String url) {
}
