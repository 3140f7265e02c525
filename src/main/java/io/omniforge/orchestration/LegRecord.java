package io.omniforge.orchestration;

/**
 * One agent's part in an orchestration as it is persisted: which agent, its place in the plan, the state it
 * reached, the agent's own task and context ids (to cancel or resume it), and why it failed.
 */
public record LegRecord(int index, String agent, String state, String remoteTaskId, String remoteContextId, String error) {
}
