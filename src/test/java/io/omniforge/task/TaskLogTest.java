package io.omniforge.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The numbering and body-rewrite rules of a task's log, on their own. */
class TaskLogTest {

    private static final TaskState WORKING = TaskState.TASK_STATE_WORKING;

    private static StreamResponse working() {
        return StreamResponse.of(new TaskStatusUpdateEvent("t", "c", TaskStatus.of(WORKING), null));
    }

    @Test
    void eventsAreNumberedOnFromTheLogsEndWithTheirJson() {
        List<StreamEvent> numbered = TaskLog.number(41, List.of(working(), working(), working()), List.of("a", "b", "c"));
        assertEquals(List.of(42L, 43L, 44L), numbered.stream().map(StreamEvent::seq).toList());
        assertEquals("b", numbered.get(1).json(null), "each event keeps the JSON it is written as");
        assertTrue(TaskLog.number(7, List.of(), List.of()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TaskLog.number(0, List.of(working()), List.of()));
    }

    @Test
    void theBodyIsRewrittenWhenTheEventsDoNotSayEverything() {
        assertTrue(TaskLog.rewritesBody(true, false, WORKING, TaskState.TASK_STATE_COMPLETED, 10, 9), "a turn's end");
        assertTrue(TaskLog.rewritesBody(false, true, WORKING, WORKING, 10, 9), "a reply or new metadata");
        assertTrue(TaskLog.rewritesBody(false, false, TaskState.TASK_STATE_SUBMITTED, WORKING, 10, 9), "a new state");
        assertFalse(TaskLog.rewritesBody(false, false, WORKING, WORKING, 10, 9), "one more chunk");
    }

    @Test
    void aLongStreamRewritesItsBodyEverySnapshotEveryEventsThenEveryQuarter() {
        int every = TaskLog.SNAPSHOT_EVERY;
        assertFalse(TaskLog.rewritesBody(false, false, WORKING, WORKING, every - 1 + 3, 3));
        assertTrue(TaskLog.rewritesBody(false, false, WORKING, WORKING, every + 3, 3));
        // At 4,000 events a quarter (1,000) is more than SNAPSHOT_EVERY: the rewrites thin out as the task grows.
        assertFalse(TaskLog.rewritesBody(false, false, WORKING, WORKING, 4_000, 3_001));
        assertTrue(TaskLog.rewritesBody(false, false, WORKING, WORKING, 4_000, 3_000));
    }

    @Test
    void theThreadGetsTheAnswerOfATurnInWhichTheAgentSaidNothingOfItsOwn() {
        assertTrue(TaskLog.recordsAnswer(true, false, false));
        assertFalse(TaskLog.recordsAnswer(true, false, true), "the agent's own message is its answer");
        assertFalse(TaskLog.recordsAnswer(false, false, false), "the turn goes on");
        assertFalse(TaskLog.recordsAnswer(true, true, false), "an orchestration records its synthesis itself");
    }
}
