package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/** {@code omniforge.sanitizer.*}: the context sanitizer's switch, its trust levels and the operator's own patterns. */
@ConfigMapping(prefix = "omniforge.sanitizer")
public interface SanitizerConfig {

    /** Off: everything crosses as it is (nothing is redacted, counted or audited). */
    @WithDefault("true")
    boolean enabled();

    /** The trust of an agent without {@code agents.<agent>.trust}. */
    @WithDefault("standard")
    Trust defaultTrust();

    /** Strict trust: any run of at least this many digits is redacted as NUMBER. */
    @WithDefault("6")
    int strictMinDigits();

    /** Kind (the placeholder's name) to a regular expression, applied before the built-in rules, at every trust level. */
    Map<String, String> patterns();

    /** Per receiving agent. */
    Map<String, AgentRules> agents();

    /** {@code omniforge.sanitizer.agents.<agent>.*} */
    interface AgentRules {
        /** {@code trusted}, {@code standard} or {@code strict}. */
        Trust trust();
    }
}
