package io.omniforge.a2a;

/** Params of SubscribeToTask. */
public record SubscribeToTaskRequest(String tenant, String id) {

    public SubscribeToTaskRequest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("params.id is required");
        }
    }
}
