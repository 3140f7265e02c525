package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;

/** What one agent's failure does to the orchestration. */
public enum FailurePolicy {
    /** The first failure fails the orchestration; the agents still running are canceled. */
    FAIL_FAST,
    /** The orchestration completes with the results it has, and says which agents failed and why. */
    BEST_EFFORT;

    public String wire() {
        return this == FAIL_FAST ? "fail-fast" : "best-effort";
    }

    public static FailurePolicy parse(String value, String field) {
        for (FailurePolicy p : values()) {
            if (p.wire().equalsIgnoreCase(value) || p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw A2aException.invalidParams(field + ": unknown policy '" + value + "'; one of fail-fast, best-effort");
    }
}
