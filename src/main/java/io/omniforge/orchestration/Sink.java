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

    /**
     * The upstream task's artifacts as emitted so far (committed or queued): what a leg compares a snapshot of its
     * agent's task against, so that it sends on only what changed.
     */
    java.util.List<io.omniforge.a2a.Artifact> artifacts();

    /**
     * Numbers and queues the emission's write at once, in call order (a later emit is stored after it, whether or
     * not this one has committed yet); the Uni completes once it is committed.
     */
    Uni<Void> emit(Emission emission);
}
