package io.omniforge.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.Part;
import io.omniforge.a2a.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strategies' rules on their own: how an orchestration ends for given legs' results, without an agent. */
class StrategyRulesTest {

    private static LegResult ok(int index, String agent) {
        return new LegResult(index, agent, TaskState.TASK_STATE_COMPLETED, List.of(Part.text(agent + " says")), null,
                null, "t" + index, "c" + index);
    }

    private static LegResult failed(int index, String agent, String why) {
        return new LegResult(index, agent, TaskState.TASK_STATE_FAILED, List.of(), null, why, "t" + index, "c" + index);
    }

    private static Plan plan(Strategy strategy, FailurePolicy policy, Integer quorum) {
        return new Plan(null, strategy, List.of("a", "b", "c"), quorum, Synthesis.CONCAT, null, policy,
                Duration.ofSeconds(30), Duration.ofSeconds(10), 4, Map.of());
    }

    @Test
    void parallelCompletesWhenEveryLegDid() {
        StrategyRules.Verdict v = StrategyRules.parallel(List.of(ok(0, "a"), ok(1, "b")), FailurePolicy.FAIL_FAST);
        assertEquals(TaskState.TASK_STATE_COMPLETED, v.state());
        assertNull(v.why());
    }

    @Test
    void parallelBestEffortKeepsWhatSucceededAndSaysWhatDidNot() {
        List<LegResult> results = List.of(failed(1, "b", "b timed out"), ok(0, "a"), failed(2, "c", null));
        StrategyRules.Verdict v = StrategyRules.parallel(results, FailurePolicy.BEST_EFFORT);
        assertEquals(TaskState.TASK_STATE_COMPLETED, v.state());
        assertEquals("b timed out; c failed", v.why(), "the failures in the plan's order, each said once");
        assertEquals(TaskState.TASK_STATE_FAILED, StrategyRules.parallel(results, FailurePolicy.FAIL_FAST).state());
        assertEquals(TaskState.TASK_STATE_FAILED, StrategyRules.parallel(List.of(failed(0, "a", "no")),
                FailurePolicy.BEST_EFFORT).state(), "best effort needs one success");
    }

    @Test
    void aRaceIsWonByItsFirstSuccessOrLostSayingWhy() {
        assertEquals(TaskState.TASK_STATE_COMPLETED, StrategyRules.race(ok(1, "b"), List.of(failed(0, "a", "x"), ok(1, "b")))
                .state());
        StrategyRules.Verdict lost = StrategyRules.race(null, List.of(failed(0, "a", "a refused"), failed(1, "b", "b broke")));
        assertEquals(TaskState.TASK_STATE_FAILED, lost.state());
        assertEquals("no agent succeeded: a refused; b broke", lost.why());
    }

    @Test
    void aQuorumGivesUpOnlyWhenItCanNoLongerBeReached() {
        // 2 of 3: one failure leaves two that may succeed; a second leaves one.
        assertFalse(StrategyRules.quorumLost(1, 3, 2));
        assertTrue(StrategyRules.quorumLost(2, 3, 2));
        // all of 3: the first failure ends it.
        assertTrue(StrategyRules.quorumLost(1, 3, 3));
        assertFalse(StrategyRules.quorumLost(0, 3, 3));
    }

    @Test
    void aPipelineCompletesWhenAnyStepDid() {
        assertEquals(TaskState.TASK_STATE_COMPLETED, StrategyRules.pipeline(List.of(ok(0, "a"), ok(1, "b"))).state());
        StrategyRules.Verdict partly = StrategyRules.pipeline(List.of(ok(0, "a"), failed(1, "b", "b failed: no")));
        assertEquals(TaskState.TASK_STATE_COMPLETED, partly.state());
        assertEquals("b failed: no", partly.why());
        assertEquals(TaskState.TASK_STATE_FAILED, StrategyRules.pipeline(List.of(failed(0, "a", "x"))).state());
    }

    @Test
    void onlyFailFastEndsEverythingAtTheFirstFailure() {
        assertTrue(StrategyRules.endsAll(failed(0, "a", "x"), FailurePolicy.FAIL_FAST));
        assertFalse(StrategyRules.endsAll(failed(0, "a", "x"), FailurePolicy.BEST_EFFORT));
        assertFalse(StrategyRules.endsAll(ok(0, "a"), FailurePolicy.FAIL_FAST));
    }

    @Test
    void aPassedDeadlineKeepsEnoughSuccessesUnderBestEffortOnly() {
        List<LegResult> one = List.of(ok(0, "a"));
        StrategyRules.Verdict kept = StrategyRules.afterDeadline(plan(Strategy.PARALLEL, FailurePolicy.BEST_EFFORT, null), one);
        assertEquals(TaskState.TASK_STATE_COMPLETED, kept.state());
        assertTrue(kept.why().startsWith("the deadline of PT30S passed"), kept.why());
        assertEquals(TaskState.TASK_STATE_FAILED,
                StrategyRules.afterDeadline(plan(Strategy.PARALLEL, FailurePolicy.FAIL_FAST, null), one).state());
        assertEquals(TaskState.TASK_STATE_FAILED,
                StrategyRules.afterDeadline(plan(Strategy.QUORUM, FailurePolicy.BEST_EFFORT, 2), one).state(),
                "a quorum needs its number, not one");
        assertEquals(TaskState.TASK_STATE_COMPLETED, StrategyRules.afterDeadline(
                plan(Strategy.QUORUM, FailurePolicy.BEST_EFFORT, 2), List.of(ok(0, "a"), ok(2, "c"))).state());
    }

    @Test
    void aCompletedOrchestrationWithNothingSynthesizedHasFailed() {
        assertEquals(TaskState.TASK_STATE_FAILED, StrategyRules.end(TaskState.TASK_STATE_COMPLETED, false));
        assertEquals(TaskState.TASK_STATE_COMPLETED, StrategyRules.end(TaskState.TASK_STATE_COMPLETED, true));
        assertEquals(TaskState.TASK_STATE_FAILED, StrategyRules.end(TaskState.TASK_STATE_FAILED, true));
    }
}
