package io.omniforge.demo;

import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.smallrye.mutiny.Multi;
import java.util.List;

/** The front desk: says it can help and that billing is the agent for invoices and refunds. */
final class TriageAgent extends DemoAgent {

    static final String NAME = "triage";
    static final String ANSWER = "triage: I can help with that. For invoices or refunds, billing is the agent to talk to.";

    TriageAgent(int maxTasks) {
        super(NAME, maxTasks);
    }

    @Override
    String description() {
        return "First point of contact for support requests: works out what you need and who should handle it "
                + "(billing for invoices and refunds).";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("triage", "Triage", "Understands a support request and routes it to the right agent.",
                List.of("triage", "routing", "support"), List.of("I was charged twice", "My order has not arrived")));
    }

    static final java.util.regex.Pattern BILLING = java.util.regex.Pattern.compile(
            "\\b(invoice|invoices|refund|refunds|charged|billing)\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

    @Override
    List<io.omniforge.a2a.AgentExtension> extensions() {
        return List.of(handoff(List.of(BillingAgent.NAME), "summary"));
    }

    /** Invoices and refunds go to billing (which should hand the conversation back); the rest it answers. */
    @Override
    Multi<StreamResponse> turn(Task task, Message message) {
        if (BILLING.matcher(message.text()).find()) {
            return answerAndHandOff(task, NAME, "triage: that is one for billing; handing you over.",
                    java.util.Map.of("to", BillingAgent.NAME, "reason", "invoice or refund question",
                            "summary", "The user says: " + message.text(), "expectReturn", true,
                            // when the agent asked: the benchmark times the handoff from here
                            "requestedAt", java.time.Instant.now().toString()));
        }
        return answer(task, NAME, ANSWER);
    }
}
