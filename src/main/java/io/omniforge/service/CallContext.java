package io.omniforge.service;

import io.omniforge.security.Caller;

/**
 * Who is calling and how: the authenticated caller (whose tenant scopes everything the call reads or writes), the
 * public base URL the request came in on, and the SSE {@code Last-Event-ID} of a reconnecting subscriber (null
 * when absent).
 */
public record CallContext(Caller caller, String baseUrl, Long lastEventId) {

    public static final String DEFAULT_TENANT = "default";

    public CallContext {
        if (caller == null) {
            caller = Caller.system(DEFAULT_TENANT);
        }
    }

    /** The caller's tenant. */
    public String tenant() {
        return caller.tenant();
    }
}
