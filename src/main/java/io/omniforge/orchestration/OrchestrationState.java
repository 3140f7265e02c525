package io.omniforge.orchestration;

import java.util.List;

/**
 * What an upstream task remembers of its orchestration: the plan, each agent's part so far, and the index of the
 * agent a paused pipeline waits on (null when not paused). Stored as JSON with the task.
 */
public record OrchestrationState(Plan plan, List<LegRecord> legs, Integer paused) {

    public OrchestrationState {
        legs = legs == null ? List.of() : List.copyOf(legs);
    }

    /** The leg a paused pipeline waits on. */
    public LegRecord pausedLeg() {
        return paused == null ? null : legs.stream().filter(l -> l.index() == paused).findFirst().orElse(null);
    }
}
