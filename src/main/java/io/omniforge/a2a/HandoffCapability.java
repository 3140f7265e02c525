package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed view of the {@code urn:omniforge:a2a:handoff:v1} extension: whether the agent initiates and/or accepts
 * handoffs, to which targets, which context it wants and how deep a chain of handoffs may go.
 *
 * <pre>{"uri": "urn:omniforge:a2a:handoff:v1", "required": false,
 *  "params": {"initiates": true, "accepts": true, "targets": ["billing"], "context": "transcript", "maxDepth": 3}}</pre>
 */
public record HandoffCapability(
        Boolean initiates,
        Boolean accepts,
        List<String> targets,
        ContextMode context,
        Integer maxDepth) {

    public static final String URI = "urn:omniforge:a2a:handoff:v1";

    public HandoffCapability {
        targets = A2aJson.copy(targets);
        if (maxDepth != null && maxDepth < 0) {
            throw new IllegalArgumentException("handoff maxDepth must be zero or more, got " + maxDepth);
        }
    }

    /** What the receiving agent wants to know of the conversation so far. */
    public enum ContextMode {
        TRANSCRIPT, SUMMARY, NONE;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static ContextMode fromWire(String value) {
            for (ContextMode mode : values()) {
                if (mode.wire().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("handoff context must be one of transcript, summary, none; got " + value);
        }
    }

    public boolean canInitiate() {
        return Boolean.TRUE.equals(initiates);
    }

    public boolean canAccept() {
        return Boolean.TRUE.equals(accepts);
    }

    /** Reads the extension from a card; empty when the card does not declare it. */
    public static Optional<HandoffCapability> from(AgentCard card, ObjectMapper mapper) {
        return card.extension(URI).map(e -> mapper.convertValue(
                e.params() == null ? Map.of() : e.params(), HandoffCapability.class));
    }

    /** This view as a card extension entry. */
    @SuppressWarnings("unchecked")
    public AgentExtension toExtension(ObjectMapper mapper, boolean required) {
        return new AgentExtension(URI, "Hands conversations off to other agents and accepts them",
                required, mapper.convertValue(this, Map.class));
    }
}
