package io.omniforge.api;

import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Caller;
import io.omniforge.security.Permission;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** The caller of the management API request being served, as {@link AuthFilter} authenticated it. */
@ApplicationScoped
public class CurrentCaller {

    private final CurrentVertxRequest request;
    private final AccessPolicy policy;

    public CurrentCaller(CurrentVertxRequest request, AccessPolicy policy) {
        this.request = request;
        this.policy = policy;
    }

    /** The caller, once it holds {@code permission} (else -32051, HTTP 403, and an audit event). */
    public Caller require(Permission permission, String operation) {
        Caller caller = AuthFilter.caller(request.getCurrent());
        policy.require(caller, permission, operation);
        return caller;
    }
}
