package io.omniforge.a2a;

import java.util.List;
import java.util.Map;

/** A stateful unit of work, with its status, artifacts and history. */
public record Task(
        String id,
        String contextId,
        TaskStatus status,
        List<Artifact> artifacts,
        List<Message> history,
        Map<String, Object> metadata) {

    public Task {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("task.id is required");
        }
        if (status == null) {
            throw new IllegalArgumentException("task.status is required");
        }
        artifacts = A2aJson.copy(artifacts);
        history = A2aJson.copy(history);
        metadata = A2aJson.copy(metadata);
    }

    public Task withStatus(TaskStatus newStatus) {
        return new Task(id, contextId, newStatus, artifacts, history, metadata);
    }

    public Task withArtifacts(List<Artifact> newArtifacts) {
        return new Task(id, contextId, status, newArtifacts, history, metadata);
    }

    public Task withHistory(List<Message> newHistory) {
        return new Task(id, contextId, status, artifacts, newHistory, metadata);
    }

    public Task withMetadata(Map<String, Object> newMetadata) {
        return new Task(id, contextId, status, artifacts, history, newMetadata);
    }

    /**
     * The task as a client asked to see it: at most {@code historyLength} of the latest messages (none and
     * no field for 0, all for null), and artifacts only when asked for.
     */
    public Task view(Integer historyLength, boolean includeArtifacts) {
        List<Message> h = history;
        if (historyLength != null && h != null) {
            if (historyLength == 0) {
                h = null;
            } else if (h.size() > historyLength) {
                h = h.subList(h.size() - historyLength, h.size());
            }
        }
        return new Task(id, contextId, status, includeArtifacts ? artifacts : null, h, metadata);
    }
}
