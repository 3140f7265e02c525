package io.omniforge.task;

/**
 * Where a {@link TaskRun} is in its life, and the only ways it moves on. A run starts {@link #RUNNING}; each change
 * is one of {@link Change}, and {@link #on} gives the phase it leads to, or the same phase when the change does not
 * apply there (a late callback, a second cancel): the transitions are guarded here, not by flags spread over the
 * run. Pure: {@code RunPhaseTest} checks the whole table.
 *
 * <pre>
 *   RUNNING ──HAND_OVER──> HANDING_OFF ──FOLLOW / STAY──> RUNNING
 *   RUNNING, HANDING_OFF ──CANCEL_UNNAMED──> CANCELING ──NAMED──> RUNNING   (canceled at the agent)
 *   RUNNING, HANDING_OFF ──LEAVE──> LEFT
 *   CANCELING ──LEAVE──> LEFT_CANCELING ──NAMED──> LEFT;   LEFT ──CANCEL_UNNAMED──> LEFT_CANCELING
 * </pre>
 */
enum RunPhase {

    /** Following its agent (or running its orchestration) and writing what comes. */
    RUNNING,
    /**
     * The agent asked to hand the conversation over, and its final status is held until the decision: the events of
     * that agent's stream no longer speak for the task.
     */
    HANDING_OFF,
    /**
     * The task was canceled before its agent named its own task: the agent's events are not written, only looked
     * at until one names that task, which is then canceled at the agent. The run still writes (the cancel itself).
     */
    CANCELING,
    /** The run writes nothing more: another process wrote the task, its creation failed, or the process stops. */
    LEFT,
    /** As {@link #LEFT}, and still waiting for the agent to name its task, to cancel it there. */
    LEFT_CANCELING;

    /** What happens to a run. */
    enum Change {
        /** The agent asks to hand the conversation over with its final status, which is held. */
        HAND_OVER,
        /** A new follow starts (the next agent of a handoff, a reply's turn). */
        FOLLOW,
        /** The hand-over ended with the task staying with its agent (the held status is written). */
        STAY,
        /** The task was canceled before its agent named its task. */
        CANCEL_UNNAMED,
        /** The agent named its task, which has been canceled there. */
        NAMED,
        /** The run leaves: it writes nothing more. */
        LEAVE
    }

    RunPhase on(Change change) {
        return switch (change) {
            case HAND_OVER -> this == RUNNING ? HANDING_OFF : this;
            case FOLLOW, STAY -> this == HANDING_OFF ? RUNNING : this;
            case CANCEL_UNNAMED -> switch (this) {
                case RUNNING, HANDING_OFF -> CANCELING;
                case LEFT -> LEFT_CANCELING;
                default -> this;
            };
            case NAMED -> switch (this) {
                case CANCELING -> RUNNING;
                case LEFT_CANCELING -> LEFT;
                default -> this;
            };
            case LEAVE -> switch (this) {
                case RUNNING, HANDING_OFF -> LEFT;
                case CANCELING -> LEFT_CANCELING;
                default -> this;
            };
        };
    }

    /** Whether the run may still write its task. */
    boolean writes() {
        return this != LEFT && this != LEFT_CANCELING;
    }

    /** Whether the agent's events are only looked at for the name of its task, to cancel it. */
    boolean cancelsWhenNamed() {
        return this == CANCELING || this == LEFT_CANCELING;
    }

    /** Whether the events of the agent being followed speak for the task (not while it hands over). */
    boolean followsItsAgent() {
        return this != HANDING_OFF;
    }
}
