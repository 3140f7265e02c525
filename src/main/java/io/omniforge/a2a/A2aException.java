package io.omniforge.a2a;

import java.util.Map;

/** The one error type of the service: an {@link A2aError} and a message saying what was wrong. */
public class A2aException extends RuntimeException {

    private final A2aError error;
    private final Map<String, String> metadata;

    public A2aException(A2aError error, String message) {
        this(error, message, Map.of(), null);
    }

    public A2aException(A2aError error, String message, Map<String, String> metadata, Throwable cause) {
        super(message == null ? error.defaultMessage() : message, cause, false, false);
        this.error = error;
        this.metadata = Map.copyOf(metadata);
    }

    public A2aError error() {
        return error;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public static A2aException taskNotFound(String taskId) {
        return new A2aException(A2aError.TASK_NOT_FOUND, "Task not found: " + taskId, Map.of("taskId", taskId), null);
    }

    public static A2aException invalidParams(String message) {
        return new A2aException(A2aError.INVALID_PARAMS, message);
    }

    public JsonRpcError toJsonRpcError() {
        return new JsonRpcError(error.code(), getMessage(),
                java.util.List.of(ErrorInfo.of(error.reason(), metadata.isEmpty() ? null : metadata)));
    }
}
