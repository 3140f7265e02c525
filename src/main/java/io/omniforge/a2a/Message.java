package io.omniforge.a2a;

import java.util.List;
import java.util.Map;

/** One turn of communication between a client and an agent. */
public record Message(
        String messageId,
        String contextId,
        String taskId,
        Role role,
        List<Part> parts,
        Map<String, Object> metadata,
        List<String> extensions,
        List<String> referenceTaskIds) {

    public Message {
        if (messageId == null || messageId.isBlank()) {
            throw new IllegalArgumentException("message.messageId is required");
        }
        if (role == null) {
            throw new IllegalArgumentException("message.role is required (ROLE_USER or ROLE_AGENT)");
        }
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("message.parts must hold at least one part");
        }
        parts = List.copyOf(parts);
        metadata = A2aJson.copy(metadata);
        extensions = A2aJson.copy(extensions);
        referenceTaskIds = A2aJson.copy(referenceTaskIds);
    }

    public static Message agent(String messageId, String contextId, String taskId, List<Part> parts) {
        return new Message(messageId, contextId, taskId, Role.ROLE_AGENT, parts, null, null, null);
    }

    public static Message user(String messageId, String text) {
        return new Message(messageId, null, null, Role.ROLE_USER, List.of(Part.text(text)), null, null, null);
    }

    public Message withIds(String newContextId, String newTaskId) {
        return new Message(messageId, newContextId, newTaskId, role, parts, metadata, extensions, referenceTaskIds);
    }

    public Message withMetadata(Map<String, Object> newMetadata) {
        return new Message(messageId, contextId, taskId, role, parts, newMetadata, extensions, referenceTaskIds);
    }

    /** The text of every text part, joined by newlines; empty when there is none. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part part : parts) {
            if (part.text() != null) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(part.text());
            }
        }
        return sb.toString();
    }
}
