package io.omniforge.orchestration;

import io.smallrye.mutiny.Uni;

/**
 * Where an orchestration writes: the upstream task's ids, and an {@link #emit} that numbers, stores and publishes
 * its events; the Uni completes once they are committed.
 */
public interface Sink {

    String taskId();

    String contextId();

    /** Whom the orchestration acts for: every agent it calls is checked against this caller's rules. */
    io.omniforge.security.Caller caller();

    Uni<Void> emit(Emission emission);
}
