package io.omniforge.security;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.observability.AuditEvent;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.Telemetry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything that crosses from one agent to another goes through here: a handoff's context, a pipeline's hand-over
 * from one stage to the next, the collected results given to a synthesizer. Secrets and personal data in the text
 * parts, the {@code data} parts (every string of the JSON, and the whole value of a field named like a credential),
 * the file parts' names and URLs, and the metadata are replaced by typed placeholders ({@code [REDACTED:EMAIL]}),
 * by the rules of the receiving agent's trust level ({@link Trust}) and the configured patterns. What was redacted is
 * counted by kind, audited ({@code sanitizer.redacted}) and measured; no value is ever kept or logged.
 *
 * <p>Pure computation on precompiled expressions: safe to call on an event-loop thread. See docs/SECURITY.md.
 */
@ApplicationScoped
public class ContextSanitizer {

    private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {
    };

    private final SanitizerConfig config;
    private final Map<Trust, Redactor> redactors = new EnumMap<>(Trust.class);
    private final List<Guard> guards;
    private final ObjectMapper mapper;
    private final AuditLog audit;
    private final Telemetry telemetry;

    /**
     * @throws IllegalArgumentException when a configured pattern or {@code strict-min-digits} cannot be used, so that
     *         the service does not start with rules it cannot apply
     */
    public ContextSanitizer(SanitizerConfig config, ObjectMapper mapper, AuditLog audit, Telemetry telemetry) {
        this(config, Map::of, mapper, audit, telemetry);
    }

    /**
     * @throws IllegalArgumentException also for a guardrail whose pattern cannot be compiled, naming its key
     */
    @jakarta.inject.Inject
    public ContextSanitizer(SanitizerConfig config, GuardrailsConfig guardrails, ObjectMapper mapper, AuditLog audit,
            Telemetry telemetry) {
        this.guards = guardrails.rules().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Guard.of(e.getKey(), e.getValue())).toList();
        this.config = config;
        this.mapper = mapper;
        this.audit = audit;
        this.telemetry = telemetry;
        if (config.strictMinDigits() < 1) {
            throw new IllegalArgumentException("omniforge.sanitizer.strict-min-digits must be at least 1, got "
                    + config.strictMinDigits());
        }
        List<Rule> configured = Rules.configured(config.patterns());
        for (Trust trust : Trust.values()) {
            List<Rule> rules = new ArrayList<>(configured);
            rules.addAll(Rules.secrets());
            if (trust != Trust.TRUSTED) {
                rules.addAll(Rules.personal());
            }
            if (trust == Trust.STRICT) {
                rules.addAll(Rules.strict(config.strictMinDigits()));
            }
            redactors.put(trust, new Redactor(rules));
        }
    }

    /** The trust level of an agent that receives a crossing. */
    public Trust trustOf(String agent) {
        SanitizerConfig.AgentRules rules = agent == null ? null : config.agents().get(agent);
        return rules != null ? rules.trust() : config.defaultTrust();
    }

    /**
     * The message as the receiving agent may see it, with what was redacted. Findings are audited
     * ({@code sanitizer.redacted}, with the correlation fields of the caller's MDC) and counted per kind
     * ({@code omniforge.sanitizer.redactions}).
     *
     * @param from the agent (or agents, comma-separated) the content comes from, or {@code client}
     * @param to the agent that will receive it; its trust level chooses the rules
     */
    public Sanitized sanitize(Message message, String from, String to) {
        if (message == null) {
            return Sanitized.unchanged(null);
        }
        Trust trust = trustOf(to);
        guard(message, from, to, trust);
        if (!config.enabled()) {
            return Sanitized.unchanged(message);
        }
        Redactor redactor = redactors.get(trust);
        Map<String, Integer> counts = new TreeMap<>();
        List<Part> parts = new ArrayList<>(message.parts().size());
        for (Part part : message.parts()) {
            parts.add(part(part, redactor, counts));
        }
        Map<String, Object> metadata = metadata(message.metadata(), redactor, counts);
        if (counts.isEmpty()) {
            return Sanitized.unchanged(message);
        }
        Sanitized sanitized = new Sanitized(new Message(message.messageId(), message.contextId(), message.taskId(),
                message.role(), parts, metadata, message.extensions(), message.referenceTaskIds()), counts);
        observe(sanitized, from, to, trust);
        return sanitized;
    }

    /** A guardrail: its name, its compiled pattern, the trust levels it applies to, what it protects. */
    private record Guard(String name, java.util.regex.Pattern pattern, java.util.Set<Trust> trust, String description) {
        static Guard of(String name, GuardrailsConfig.Guard g) {
            try {
                return new Guard(name, java.util.regex.Pattern.compile(g.pattern()),
                        g.trust().filter(t -> !t.isEmpty()).map(java.util.EnumSet::copyOf)
                                .orElseGet(() -> java.util.EnumSet.allOf(Trust.class)),
                        g.description().orElse(null));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("omniforge.guardrails." + name + ".pattern is not a regular expression: "
                        + e.getDescription());
            }
        }

        boolean matches(String text) {
            return text != null && pattern.matcher(text).find();
        }
    }

    /**
     * Refuses the crossing when its content matches a guardrail of the receiving agent's trust level: audited
     * ({@code guardrail.refused}, the rule and the agents, never the content).
     *
     * @throws CrossingRefused naming the rule
     */
    private void guard(Message message, String from, String to, Trust trust) {
        if (guards.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>();
        for (Part p : message.parts()) {
            texts.add(p.text());
            texts.add(p.url());
            texts.add(p.filename());
            texts.add(p.data() == null ? null : p.data().toString());
            texts.add(p.metadata() == null || p.metadata().isEmpty() ? null : mapper.valueToTree(p.metadata()).toString());
        }
        texts.add(message.metadata() == null || message.metadata().isEmpty() ? null
                : mapper.valueToTree(message.metadata()).toString());
        for (Guard g : guards) {
            if (g.trust().contains(trust) && texts.stream().anyMatch(g::matches)) {
                String source = from == null ? "the client" : CLIENT.equals(from) ? "the client" : "agent '" + from + "'";
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("guardrail", g.name());
                fields.put("from", from == null ? "none" : from);
                fields.put("to", to == null ? "none" : to);
                fields.put("trust", trust.name().toLowerCase(java.util.Locale.ROOT));
                audit.record(AuditEvent.GUARDRAIL_REFUSED, fields);
                throw new CrossingRefused(g.name(), g.description(), source, to);
            }
        }
    }

    private static final String CLIENT = "client";

    private Part part(Part part, Redactor redactor, Map<String, Integer> counts) {
        String text = redactor.redact(part.text(), counts);
        JsonNode data = redactor.redact(part.data(), counts);
        String url = redactor.redact(part.url(), counts);
        String filename = redactor.redact(part.filename(), counts);
        Map<String, Object> metadata = metadata(part.metadata(), redactor, counts);
        // Raw bytes are passed as they are: the sanitizer reads text, not files (docs/SECURITY.md).
        boolean same = text == part.text() && data == part.data() && url == part.url() && filename == part.filename()
                && metadata == part.metadata();
        return same ? part : new Part(text, part.raw(), url, data, part.mediaType(), filename, metadata);
    }

    private Map<String, Object> metadata(Map<String, Object> metadata, Redactor redactor, Map<String, Integer> counts) {
        if (metadata == null || metadata.isEmpty()) {
            return metadata;
        }
        JsonNode tree = mapper.valueToTree(metadata);
        JsonNode redacted = redactor.redact(tree, counts);
        return redacted == tree ? metadata : mapper.convertValue(redacted, METADATA);
    }

    /** Kinds and counts only: the values are gone by now, and are never passed here. */
    private void observe(Sanitized sanitized, String from, String to, Trust trust) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("from", from == null ? "none" : from);
        fields.put("to", to == null ? "none" : to);
        fields.put("trust", trust.name().toLowerCase(java.util.Locale.ROOT));
        fields.put("kinds", sanitized.counts().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(",")));
        fields.put("redactions", sanitized.total());
        audit.record(AuditEvent.SANITIZER_REDACTED, fields);
        sanitized.counts().forEach(telemetry::redacted);
    }
}
