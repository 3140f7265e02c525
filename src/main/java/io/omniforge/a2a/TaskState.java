package io.omniforge.a2a;

/** The lifecycle states of a task, spelled as the A2A 1.0 ProtoJSON enum. */
public enum TaskState {
    TASK_STATE_SUBMITTED,
    TASK_STATE_WORKING,
    TASK_STATE_COMPLETED,
    TASK_STATE_FAILED,
    TASK_STATE_CANCELED,
    TASK_STATE_INPUT_REQUIRED,
    TASK_STATE_REJECTED,
    TASK_STATE_AUTH_REQUIRED;

    /** Completed, failed, canceled or rejected: the task accepts no further message. */
    public boolean isTerminal() {
        return this == TASK_STATE_COMPLETED || this == TASK_STATE_FAILED
                || this == TASK_STATE_CANCELED || this == TASK_STATE_REJECTED;
    }

    /** Waiting for the client (input or authorization): a blocking call returns, a stream closes. */
    public boolean isInterrupted() {
        return this == TASK_STATE_INPUT_REQUIRED || this == TASK_STATE_AUTH_REQUIRED;
    }

    /** Terminal or interrupted: where a blocking SendMessage returns and a stream ends. */
    public boolean endsStream() {
        return isTerminal() || isInterrupted();
    }
}
