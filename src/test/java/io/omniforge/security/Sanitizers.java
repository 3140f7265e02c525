package io.omniforge.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omniforge.a2a.A2aJson;
import io.omniforge.a2a.Message;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;

/**
 * Real sanitizers for unit tests, outside Quarkus: the configuration is a plain record, the audit log and the metrics
 * are the real ones over an in-memory registry.
 */
final class Sanitizers {

    /** The configuration as SmallRye would bind it. */
    record Config(boolean enabled, Trust defaultTrust, int strictMinDigits, Map<String, String> patterns,
            Map<String, AgentRules> agents) implements SanitizerConfig {
    }

    record Agent(Trust trust) implements SanitizerConfig.AgentRules {
    }

    static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static final ContextSanitizer STANDARD = of(config(Trust.STANDARD));

    private Sanitizers() {
    }

    static Config config(Trust defaultTrust) {
        return new Config(true, defaultTrust, 6, Map.of(), Map.of());
    }

    static ContextSanitizer of(SanitizerConfig config) {
        AuditLog audit = new AuditLog();
        return new ContextSanitizer(config, A2aJson.newMapper(), audit, new Telemetry(METRICS, OpenTelemetry.noop(), audit));
    }

    /** One text through the default (standard) rules. */
    static Sanitized standard(String text) {
        return STANDARD.sanitize(Message.user("m-1", text), "a", "b");
    }
}
