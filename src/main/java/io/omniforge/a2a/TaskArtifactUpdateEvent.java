package io.omniforge.a2a;

import java.util.Map;

/** A new artifact, or a chunk to append to one, sent on a stream. */
public record TaskArtifactUpdateEvent(
        String taskId,
        String contextId,
        Artifact artifact,
        Boolean append,
        Boolean lastChunk,
        Map<String, Object> metadata) {

    public TaskArtifactUpdateEvent {
        if (taskId == null || artifact == null) {
            throw new IllegalArgumentException("artifactUpdate needs taskId and artifact");
        }
        metadata = A2aJson.copy(metadata);
    }

    public boolean isAppend() {
        return Boolean.TRUE.equals(append);
    }
}
