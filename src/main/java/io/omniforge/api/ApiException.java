package io.omniforge.api;

/** A management-API failure that is not an A2A one: an HTTP status, an ErrorInfo reason and a message. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String reason;

    public ApiException(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
