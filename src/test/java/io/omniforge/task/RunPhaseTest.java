package io.omniforge.task;

import static io.omniforge.task.RunPhase.Change.CANCEL_UNNAMED;
import static io.omniforge.task.RunPhase.Change.FOLLOW;
import static io.omniforge.task.RunPhase.Change.HAND_OVER;
import static io.omniforge.task.RunPhase.Change.LEAVE;
import static io.omniforge.task.RunPhase.Change.NAMED;
import static io.omniforge.task.RunPhase.Change.STAY;
import static io.omniforge.task.RunPhase.CANCELING;
import static io.omniforge.task.RunPhase.HANDING_OFF;
import static io.omniforge.task.RunPhase.LEFT;
import static io.omniforge.task.RunPhase.LEFT_CANCELING;
import static io.omniforge.task.RunPhase.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The life of a task's run, as a table: every phase, every change, the phase it leads to. */
class RunPhaseTest {

    /** Each phase's transitions; a change not listed leaves the phase as it is. */
    private static final Map<RunPhase, Map<RunPhase.Change, RunPhase>> TABLE = new EnumMap<>(Map.of(
            RUNNING, Map.of(HAND_OVER, HANDING_OFF, CANCEL_UNNAMED, CANCELING, LEAVE, LEFT),
            HANDING_OFF, Map.of(FOLLOW, RUNNING, STAY, RUNNING, CANCEL_UNNAMED, CANCELING, LEAVE, LEFT),
            CANCELING, Map.of(NAMED, RUNNING, LEAVE, LEFT_CANCELING),
            LEFT, Map.of(CANCEL_UNNAMED, LEFT_CANCELING),
            LEFT_CANCELING, Map.of(NAMED, LEFT)));

    @Test
    void everyPhaseMovesOnlyAsTheTableSays() {
        for (RunPhase from : RunPhase.values()) {
            for (RunPhase.Change change : RunPhase.Change.values()) {
                RunPhase expected = TABLE.get(from).getOrDefault(change, from);
                assertEquals(expected, from.on(change), from + " on " + change);
            }
        }
    }

    @Test
    void aRunThatLeftNeverWritesAgainWhateverHappens() {
        for (RunPhase.Change change : RunPhase.Change.values()) {
            assertFalse(LEFT.on(change).writes(), "LEFT on " + change);
            assertFalse(LEFT_CANCELING.on(change).writes(), "LEFT_CANCELING on " + change);
        }
    }

    @Test
    void whatEachPhaseAllows() {
        assertTrue(RUNNING.writes() && CANCELING.writes() && HANDING_OFF.writes());
        assertTrue(CANCELING.cancelsWhenNamed() && LEFT_CANCELING.cancelsWhenNamed());
        assertFalse(RUNNING.cancelsWhenNamed() || LEFT.cancelsWhenNamed() || HANDING_OFF.cancelsWhenNamed());
        assertFalse(HANDING_OFF.followsItsAgent(), "the agent handing over no longer speaks for the task");
        assertTrue(RUNNING.followsItsAgent() && CANCELING.followsItsAgent());
    }

    @Test
    void aTaskWhoseCreationFailedBeforeItsAgentNamedItsTaskCancelsItThereOnceNamed() {
        // creationFailed: the run leaves, then waits for the agent's task to cancel it.
        RunPhase p = RUNNING.on(LEAVE).on(CANCEL_UNNAMED);
        assertEquals(LEFT_CANCELING, p);
        assertEquals(LEFT, p.on(NAMED));
    }

    @Test
    void aHandOverEndsInTheNextFollowOrWithTheTaskStaying() {
        assertEquals(RUNNING, RUNNING.on(HAND_OVER).on(FOLLOW));
        assertEquals(RUNNING, RUNNING.on(HAND_OVER).on(STAY));
        assertEquals(HANDING_OFF, RUNNING.on(HAND_OVER).on(HAND_OVER), "a second request changes nothing");
    }
}
