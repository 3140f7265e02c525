package io.omniforge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of the management API into one JSON error shape; no stack trace ever leaves. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response a2a(A2aException e) {
        return response(e.error().httpStatus(), e.getMessage(), e.error().reason());
    }

    @ServerExceptionMapper
    public Response conflict(io.omniforge.agent.AgentConflictException e) {
        return response(409, e.getMessage(), "ALREADY_EXISTS");
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return response(e.status(), e.getMessage(), e.reason());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !(e instanceof
                com.fasterxml.jackson.core.JsonParseException)) {
            return binding(m);
        }
        return response(400, "the body is not valid JSON: " + io.omniforge.a2a.JsonErrors.syntax(e), A2aError.PARSE_ERROR.reason());
    }

    /** JSON that does not fit the body (Quarkus has its own mapper for these, whose body names Java types). */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return binding(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
        return binding(e);
    }

    private static Response binding(com.fasterxml.jackson.databind.JsonMappingException e) {
        return response(400, io.omniforge.a2a.JsonErrors.binding(e, ""), A2aError.INVALID_PARAMS.reason());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return json(json);
        }
        String message = status == 404 ? "no such resource: the management API is under /api/v1 (agents, threads,"
                + " orchestrations; see docs/API.md)" : status == 405 ? "method not allowed"
                : status == 415 ? "unsupported content type: send application/json"
                : status == 406 ? "not acceptable: this API answers application/json"
                : "the request was refused (HTTP " + status + ")";
        return response(status, message, status == 404 ? "NOT_FOUND" : "INVALID_REQUEST");
    }

    @ServerExceptionMapper
    public Response any(Exception e) {
        String ref = UUID.randomUUID().toString();
        LOG.errorf(e, "internal error %s", ref);
        return response(500, "internal error (reference " + ref + ")", A2aError.INTERNAL_ERROR.reason());
    }

    static Response response(int status, String message, String reason) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(status, s == null ? String.valueOf(status) : s.name(), message, reason)).build();
    }
}
