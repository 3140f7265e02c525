package io.omniforge.demo;

import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.smallrye.mutiny.Multi;
import java.util.List;

/** Answers billing questions: invoices, refunds, payments. */
final class BillingAgent extends DemoAgent {

    static final String NAME = "billing";

    BillingAgent(int maxTasks) {
        super(NAME, maxTasks);
    }

    @Override
    String description() {
        return "Handles billing: invoices, refunds and payments.";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("billing", "Billing", "Looks into invoices, refunds and payments on your account.",
                List.of("billing", "invoice", "refund", "payments"), List.of("I need a refund for invoice 42")));
    }

    static final String HANDED_OVER = "[handoff from ";

    @Override
    List<io.omniforge.a2a.AgentExtension> extensions() {
        return List.of(handoff(List.of(TriageAgent.NAME), "transcript"));
    }

    /** Answers; when the conversation was handed to it, it hands it back once it has answered. */
    @Override
    Multi<StreamResponse> turn(Task task, Message message) {
        String answer = "billing: I looked at your account: " + message.text();
        if (message.text().startsWith(HANDED_OVER)) {
            return answerAndHandOff(task, NAME, answer, java.util.Map.of("return", true, "reason", "billing question answered"));
        }
        return answer(task, NAME, answer);
    }
}
