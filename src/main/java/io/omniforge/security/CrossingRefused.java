package io.omniforge.security;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import java.util.Map;

/** A crossing from one agent to another that a guardrail refused ({@link GuardrailsConfig}): nothing crossed. */
public final class CrossingRefused extends A2aException {

    private final String rule;

    CrossingRefused(String rule, String description, String from, String to) {
        super(A2aError.PERMISSION_DENIED, "guardrail '" + rule + "'" + (description == null ? "" : " (" + description + ")")
                + " refused what " + from + " would pass to agent '" + to + "'", Map.of("guardrail", rule,
                "from", from, "to", to), null);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
