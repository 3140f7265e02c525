package io.omniforge.a2a;

/** Params of GetTask. */
public record GetTaskRequest(String tenant, String id, Integer historyLength) {

    public GetTaskRequest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("params.id is required");
        }
        if (historyLength != null && historyLength < 0) {
            throw new IllegalArgumentException("params.historyLength must be zero or more, got " + historyLength);
        }
    }
}
