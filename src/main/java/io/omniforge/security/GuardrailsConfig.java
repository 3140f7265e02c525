package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code omniforge.guardrails.<rule>.*}: content that must not cross from one agent to another at all. Where the
 * sanitizer redacts, a guardrail refuses: a crossing whose content matches a rule that applies to the receiving
 * agent's trust level does not happen (the orchestration leg is skipped, the handoff is rejected), with the rule named.
 */
@ConfigMapping(prefix = "omniforge.guardrails")
public interface GuardrailsConfig {

    @WithParentName
    Map<String, Guard> rules();

    interface Guard {
        /** A regular expression (Java syntax); a match anywhere in the content refuses the crossing. */
        String pattern();

        /** The receiving agents' trust levels it applies to; unset: all. */
        Optional<Set<Trust>> trust();

        /** Said with the refusal (what the rule protects), instead of the bare rule name. */
        Optional<String> description();
    }
}
