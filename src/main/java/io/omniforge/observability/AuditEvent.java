package io.omniforge.observability;

/**
 * The audit events, by their stable {@code event} name. The names are a contract with whoever reads the logs;
 * docs/OPERATIONS.md lists them and says which are emitted today.
 */
public enum AuditEvent {
    ORCHESTRATION_STARTED("orchestration.started"),
    ORCHESTRATION_COMPLETED("orchestration.completed"),
    ORCHESTRATION_FAILED("orchestration.failed"),
    AGENT_CALL_FAILED("agent.call.failed"),
    HANDOFF_INITIATED("handoff.initiated"),
    HANDOFF_ACCEPTED("handoff.accepted"),
    HANDOFF_COMPLETED("handoff.completed"),
    HANDOFF_RETURNED("handoff.returned"),
    HANDOFF_REJECTED("handoff.rejected"),
    HANDOFF_FAILED("handoff.failed"),
    AUTH_DENIED("auth.denied"),
    /** Kinds and counts only, never the redacted values. */
    SANITIZER_REDACTED("sanitizer.redacted"),
    /** A budget or loop guard refused more work: which budget, its limit. */
    BUDGET_EXHAUSTED("budget.exhausted"),
    /** A guardrail refused a crossing: the rule and the agents, never the content. */
    GUARDRAIL_REFUSED("guardrail.refused");

    private final String wireName;

    AuditEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code event} field. */
    public String wireName() {
        return wireName;
    }
}
