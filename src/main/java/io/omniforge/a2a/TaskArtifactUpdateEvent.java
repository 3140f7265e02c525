package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.Map;

/**
 * A new artifact, or a chunk to append to one, sent on a stream.
 *
 * <p>{@code isAppend()} is a convenience, not a property: is-getters are not auto-detected, else Jackson
 * would write {@code "append": false} where the field is absent.
 */
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
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
