package io.omniforge.task;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure part of writing a task's events, which {@link TaskRun#append} does under its lock and then writes: the
 * numbering that follows on from the log's end, the policy that decides when the stored body is rewritten, and
 * what the thread records of a turn. No state, no I/O; {@code TaskLogTest} checks each rule.
 */
final class TaskLog {

    /** Events after which a task's stored body is rewritten at the latest, while it is small (see TaskStore.update). */
    static final int SNAPSHOT_EVERY = 256;

    private TaskLog() {
    }

    /** {@code events} (each with its JSON, in {@code json}) numbered from after {@code lastSeq}, in order. */
    static List<StreamEvent> number(long lastSeq, List<StreamResponse> events, List<String> json) {
        if (events.size() != json.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + json.size() + " JSON texts");
        }
        List<StreamEvent> numbered = new ArrayList<>(events.size());
        long seq = lastSeq;
        for (int i = 0; i < events.size(); i++) {
            numbered.add(new StreamEvent(++seq, events.get(i), json.get(i)));
        }
        return numbered;
    }

    /**
     * Whether the write that brings the log to {@code seq} rewrites the stored body (else readers apply the events
     * after it): when the turn ends, when the task changes in a way its events do not say ({@code unsaid}: a client's
     * reply in its history, new task metadata), when its state changes, and after {@link #SNAPSHOT_EVERY} events or
     * a quarter of the task's events since the last rewrite ({@code rewrittenAt}), whichever is more. A long stream
     * thus costs time in proportion to its length, not to its square.
     */
    static boolean rewritesBody(boolean ends, boolean unsaid, TaskState before, TaskState after, long seq,
            long rewrittenAt) {
        return ends || unsaid || before != after || seq - rewrittenAt >= Math.max(SNAPSHOT_EVERY, seq / 4);
    }

    /**
     * Whether the thread records the agent's answer built from its artifacts ({@link TaskRun#answer}) with this
     * write: when a task of one agent ends its turn and that agent said nothing of its own in it.
     */
    static boolean recordsAnswer(boolean ends, boolean orchestrated, boolean agentSpoke) {
        return ends && !orchestrated && !agentSpoke;
    }
}
