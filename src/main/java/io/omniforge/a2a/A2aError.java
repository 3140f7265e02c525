package io.omniforge.a2a;

/**
 * Every error the service reports on the A2A wire: its JSON-RPC code, the {@code ErrorInfo.reason}, the HTTP
 * status of the HTTP+JSON binding (and the management API) with its {@link #statusName()}, and the standard message.
 */
public enum A2aError {
    PARSE_ERROR(-32700, "PARSE_ERROR", 400, "Invalid JSON payload"),
    INVALID_REQUEST(-32600, "INVALID_REQUEST", 400, "Request payload validation error"),
    METHOD_NOT_FOUND(-32601, "METHOD_NOT_FOUND", 404, "Method not found"),
    INVALID_PARAMS(-32602, "INVALID_PARAMS", 400, "Invalid parameters"),
    INTERNAL_ERROR(-32603, "INTERNAL_ERROR", 500, "Internal error"),
    TASK_NOT_FOUND(-32001, "TASK_NOT_FOUND", 404, "Task not found"),
    TASK_NOT_CANCELABLE(-32002, "TASK_NOT_CANCELABLE", 400, "Task cannot be canceled"),
    PUSH_NOTIFICATION_NOT_SUPPORTED(-32003, "PUSH_NOTIFICATION_NOT_SUPPORTED", 400, "Push notifications are not supported"),
    UNSUPPORTED_OPERATION(-32004, "UNSUPPORTED_OPERATION", 400, "This operation is not supported"),
    CONTENT_TYPE_NOT_SUPPORTED(-32005, "CONTENT_TYPE_NOT_SUPPORTED", 400, "Incompatible content types"),
    INVALID_AGENT_RESPONSE(-32006, "INVALID_AGENT_RESPONSE", 500, "Invalid agent response"),
    EXTENDED_AGENT_CARD_NOT_CONFIGURED(-32007, "EXTENDED_AGENT_CARD_NOT_CONFIGURED", 400,
            "Extended agent card is not configured"),
    EXTENSION_SUPPORT_REQUIRED(-32008, "EXTENSION_SUPPORT_REQUIRED", 400, "Extension support required"),
    VERSION_NOT_SUPPORTED(-32009, "VERSION_NOT_SUPPORTED", 400, "Protocol version not supported"),
    // Not in the A2A table (which leaves authentication errors to the implementation): ours, in the server range.
    UNAUTHENTICATED(-32050, "UNAUTHENTICATED", 401, "Authentication required"),
    PERMISSION_DENIED(-32051, "PERMISSION_DENIED", 403, "Permission denied"),
    RATE_LIMITED(-32052, "RATE_LIMITED", 429, "Too many requests"),
    /** The service is stopping (SIGTERM): it takes no new work; another replica, or this one restarted, will. */
    UNAVAILABLE(-32053, "UNAVAILABLE", 503, "The service is not taking new work");

    public static final String DOMAIN = "a2a-protocol.org";

    private final int code;
    private final String reason;
    private final int httpStatus;
    private final String defaultMessage;

    A2aError(int code, String reason, int httpStatus, String defaultMessage) {
        this.code = code;
        this.reason = reason;
        this.httpStatus = httpStatus;
        this.defaultMessage = defaultMessage;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The {@code status} of the HTTP+JSON binding's error body (a {@code google.rpc.Code} name): section 5.4's gRPC
     * column for the A2A errors, the code of the HTTP status for the others.
     */
    public String statusName() {
        return switch (this) {
            case PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, CONTENT_TYPE_NOT_SUPPORTED -> "INVALID_ARGUMENT";
            case METHOD_NOT_FOUND, TASK_NOT_FOUND -> "NOT_FOUND";
            case INTERNAL_ERROR, INVALID_AGENT_RESPONSE -> "INTERNAL";
            case TASK_NOT_CANCELABLE, PUSH_NOTIFICATION_NOT_SUPPORTED, UNSUPPORTED_OPERATION,
                    EXTENDED_AGENT_CARD_NOT_CONFIGURED, EXTENSION_SUPPORT_REQUIRED, VERSION_NOT_SUPPORTED ->
                    "FAILED_PRECONDITION";
            case UNAUTHENTICATED -> "UNAUTHENTICATED";
            case PERMISSION_DENIED -> "PERMISSION_DENIED";
            case RATE_LIMITED -> "RESOURCE_EXHAUSTED";
            case UNAVAILABLE -> "UNAVAILABLE";
        };
    }

    public String defaultMessage() {
        return defaultMessage;
    }

    /** The error of a JSON-RPC code, if it is one of these. */
    public static java.util.Optional<A2aError> ofCode(int code) {
        return java.util.Arrays.stream(values()).filter(e -> e.code == code).findFirst();
    }

    /** The error of an {@code ErrorInfo.reason} (the HTTP+JSON binding's way to say which error), if it is one of these. */
    public static java.util.Optional<A2aError> ofReason(String reason) {
        return java.util.Arrays.stream(values()).filter(e -> e.reason.equals(reason)).findFirst();
    }

    public A2aException exception(String message) {
        return new A2aException(this, message);
    }
}
