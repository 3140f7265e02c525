package io.omniforge.a2a;

import java.util.List;
import java.util.Map;

/** An output of a task. */
public record Artifact(
        String artifactId,
        String name,
        String description,
        List<Part> parts,
        Map<String, Object> metadata,
        List<String> extensions) {

    public Artifact {
        if (artifactId == null || artifactId.isBlank()) {
            throw new IllegalArgumentException("artifact.artifactId is required");
        }
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("artifact.parts must hold at least one part");
        }
        parts = List.copyOf(parts);
        metadata = A2aJson.copy(metadata);
        extensions = A2aJson.copy(extensions);
    }

    public static Artifact of(String artifactId, String name, List<Part> parts) {
        return new Artifact(artifactId, name, null, parts, null, null);
    }

    public Artifact withArtifactId(String newId) {
        return new Artifact(newId, name, description, parts, metadata, extensions);
    }

    public Artifact withParts(List<Part> newParts) {
        return new Artifact(artifactId, name, description, newParts, metadata, extensions);
    }

    public Artifact withMetadata(Map<String, Object> newMetadata) {
        return new Artifact(artifactId, name, description, parts, newMetadata, extensions);
    }
}
