package io.omniforge.thread;

import io.omniforge.a2a.Message;
import java.time.Instant;

/** A message of a thread, in the order it was recorded, with the task it belongs to and the agent involved. */
public record ThreadMessage(long seq, String taskId, String agent, Message message, Instant createdAt) {
}
