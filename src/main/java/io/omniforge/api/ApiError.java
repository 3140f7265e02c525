package io.omniforge.api;

import io.omniforge.a2a.ErrorInfo;
import java.util.List;

/**
 * The error body of the management API, shaped like the A2A HTTP+JSON binding's:
 * {@code {"error": {"code": 404, "status": "NOT_FOUND", "message": "...", "details": [ErrorInfo]}}}.
 */
public record ApiError(Body error) {

    public record Body(int code, String status, String message, List<ErrorInfo> details) {
    }

    public static ApiError of(int code, String status, String message, String reason) {
        return new ApiError(new Body(code, status, message, List.of(ErrorInfo.of(reason, null))));
    }

    /** An A2A error as the HTTP+JSON binding writes it: its status name, message, reason and metadata. */
    public static ApiError of(int code, io.omniforge.a2a.A2aException e) {
        return of(code, e.error().statusName(), e);
    }

    /** An A2A error with another {@code status} name (the management API's are the HTTP status's). */
    public static ApiError of(int code, String status, io.omniforge.a2a.A2aException e) {
        return new ApiError(new Body(code, status, e.getMessage(),
                List.of(ErrorInfo.of(e.error().reason(), e.metadata().isEmpty() ? null : e.metadata()))));
    }
}
