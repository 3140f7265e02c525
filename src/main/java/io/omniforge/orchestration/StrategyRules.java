package io.omniforge.orchestration;

import io.omniforge.a2a.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The strategies' rules, as pure functions of the legs' results: how each strategy's orchestration ends, when a
 * fail-fast or a quorum gives up, what a passed deadline leaves. {@link OrchestrationManager} runs the legs and asks
 * these; {@code StrategyRulesTest} checks them without an agent.
 */
final class StrategyRules {

    private StrategyRules() {
    }

    /** How the legs' part of an orchestration ended: its state, and why when not every leg succeeded. */
    record Verdict(TaskState state, String why) {
    }

    /** Parallel: completed when every leg did, or (best effort) when at least one did; failed otherwise. */
    static Verdict parallel(List<LegResult> results, FailurePolicy policy) {
        boolean all = results.stream().allMatch(LegResult::ok);
        boolean any = results.stream().anyMatch(LegResult::ok);
        if (all) {
            return new Verdict(TaskState.TASK_STATE_COMPLETED, null);
        }
        return new Verdict(any && policy == FailurePolicy.BEST_EFFORT ? TaskState.TASK_STATE_COMPLETED
                : TaskState.TASK_STATE_FAILED, failures(results));
    }

    /** Race: the first leg that succeeded wins; with none, it failed, saying why each did. */
    static Verdict race(LegResult winner, List<LegResult> finished) {
        return winner != null ? new Verdict(TaskState.TASK_STATE_COMPLETED, null)
                : new Verdict(TaskState.TASK_STATE_FAILED, "no agent succeeded: " + failures(finished));
    }

    /** Quorum: whether {@code needed} of {@code legs} can no longer succeed once {@code failed} have failed. */
    static boolean quorumLost(int failed, int legs, int needed) {
        return failed > legs - needed;
    }

    /** Sequential, once every step ran: completed when any step succeeded (the last one's output is the answer). */
    static Verdict pipeline(List<LegResult> results) {
        boolean any = results.stream().anyMatch(LegResult::ok);
        return new Verdict(any ? TaskState.TASK_STATE_COMPLETED : TaskState.TASK_STATE_FAILED,
                results.stream().allMatch(LegResult::ok) ? null : failures(results));
    }

    /** Whether a failed leg ends the whole orchestration (fail fast: the first failure does). */
    static boolean endsAll(LegResult r, FailurePolicy policy) {
        return !r.ok() && policy == FailurePolicy.FAIL_FAST;
    }

    /**
     * The plan's deadline passed with {@code done} finished: best effort keeps what succeeded, if enough did (a
     * quorum's number, else one); otherwise it failed. The agents still working were canceled.
     */
    static Verdict afterDeadline(Plan plan, List<LegResult> done) {
        String why = "the deadline of " + plan.deadline() + " passed; agents still working were canceled";
        long ok = done.stream().filter(LegResult::ok).count();
        boolean partial = plan.policy() == FailurePolicy.BEST_EFFORT
                && ok >= (plan.strategy() == Strategy.QUORUM ? plan.quorum() : 1);
        return new Verdict(partial ? TaskState.TASK_STATE_COMPLETED : TaskState.TASK_STATE_FAILED, why);
    }

    /** The task's final state: a completed orchestration that synthesized nothing has failed. */
    static TaskState end(TaskState outcome, boolean synthesized) {
        return outcome == TaskState.TASK_STATE_COMPLETED && !synthesized ? TaskState.TASK_STATE_FAILED : outcome;
    }

    /** Why the legs that did not succeed failed, in the plan's order. */
    static String failures(List<LegResult> results) {
        List<String> why = new ArrayList<>();
        results.stream().filter(r -> !r.ok()).sorted(Comparator.comparingInt(LegResult::index))
                .forEach(r -> why.add(r.error() != null ? r.error() : r.agent() + " failed"));
        return String.join("; ", why);
    }
}
