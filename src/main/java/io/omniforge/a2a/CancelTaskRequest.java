package io.omniforge.a2a;

import java.util.Map;

/** Params of CancelTask. */
public record CancelTaskRequest(String tenant, String id, Map<String, Object> metadata) {

    public CancelTaskRequest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("params.id is required");
        }
        metadata = A2aJson.copy(metadata);
    }
}
