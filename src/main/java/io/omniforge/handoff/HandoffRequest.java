package io.omniforge.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.HandoffCapability;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.StreamResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request to hand the conversation over, as an agent puts it in its answer (a {@code data} part, or status
 * message metadata, under {@code urn:omniforge:a2a:handoff:v1}) or a client in a message's metadata or through the
 * API: {@code {"to": "billing", "reason": "...", "summary": "...", "expectReturn": true}}; a handback is
 * {@code {"return": true}} (or a handoff to the agent that handed off).
 */
public record HandoffRequest(String to, String reason, String summary, boolean expectReturn, boolean handBack) {

    public static final String KEY = HandoffCapability.URI;

    /** Reads a request from the extension's JSON object; empty when it asks for nothing. */
    public static Optional<HandoffRequest> from(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        String to = node.path("to").isTextual() ? node.path("to").asText() : null;
        boolean back = node.path("return").asBoolean(false);
        if (to == null && !back) {
            return Optional.empty();
        }
        return Optional.of(new HandoffRequest(to, text(node, "reason"), text(node, "summary"),
                node.path("expectReturn").asBoolean(false), back));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    /** The request an agent's stream event carries, if any: in a data part of an artifact or a message, or in a status message's metadata. */
    public static Optional<HandoffRequest> in(StreamResponse event, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        if (event.artifactUpdate() != null) {
            return inArtifact(event.artifactUpdate().artifact());
        }
        if (event.task() != null && event.task().artifacts() != null) {
            for (Artifact a : event.task().artifacts()) {
                Optional<HandoffRequest> r = inArtifact(a);
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        Message m = event.message() != null ? event.message()
                : event.statusUpdate() != null ? event.statusUpdate().status().message()
                : event.task() != null ? event.task().status().message() : null;
        return m == null ? Optional.empty() : inMessage(m, mapper);
    }

    /** A client's request in a message's metadata. */
    public static Optional<HandoffRequest> inMetadata(Map<String, Object> metadata, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        if (metadata == null || !(metadata.get(KEY) instanceof Map<?, ?> meta)) {
            return Optional.empty();
        }
        return from(mapper.valueToTree(meta));
    }

    /** Metadata without the handoff entry (the agent does not need to see the client's request). */
    public static Map<String, Object> strip(Map<String, Object> metadata) {
        if (metadata == null || !metadata.containsKey(KEY)) {
            return metadata;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(metadata);
        out.remove(KEY);
        return out.isEmpty() ? null : out;
    }

    private static Optional<HandoffRequest> inArtifact(Artifact a) {
        return inParts(a.parts());
    }

    static Optional<HandoffRequest> inMessage(Message m, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        Optional<HandoffRequest> inParts = inParts(m.parts());
        if (inParts.isPresent() || m.metadata() == null || !(m.metadata().get(KEY) instanceof Map<?, ?> meta)) {
            return inParts;
        }
        return from(mapper.valueToTree(meta));
    }

    private static Optional<HandoffRequest> inParts(List<Part> parts) {
        for (Part p : parts) {
            if (p.data() != null && p.data().has(KEY)) {
                Optional<HandoffRequest> r = from(p.data().get(KEY));
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }
}
