package io.omniforge.orchestration;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.TaskState;
import java.util.List;

/**
 * How one agent's part ended: its state (null when the call itself failed), its output parts, the agent's last
 * status message, why it failed, and the agent's own task and context ids.
 */
public record LegResult(
        int index,
        String agent,
        TaskState state,
        List<Part> output,
        Message statusMessage,
        String error,
        String remoteTaskId,
        String remoteContextId) {

    public LegResult {
        output = output == null ? List.of() : List.copyOf(output);
    }

    public boolean ok() {
        return state == TaskState.TASK_STATE_COMPLETED;
    }

    public boolean interrupted() {
        return state != null && state.isInterrupted();
    }

    public LegRecord record() {
        return new LegRecord(index, agent, state == null ? "FAILED_TO_CALL" : state.name(), remoteTaskId,
                remoteContextId, error);
    }
}
