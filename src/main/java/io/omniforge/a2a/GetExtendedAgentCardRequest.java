package io.omniforge.a2a;

/** Params of GetExtendedAgentCard. */
public record GetExtendedAgentCardRequest(String tenant) {
}
