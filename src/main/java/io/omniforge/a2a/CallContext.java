package io.omniforge.a2a;

/**
 * Who is calling and how: the caller's tenant, the public base URL the request came in on, and the SSE
 * {@code Last-Event-ID} of a reconnecting subscriber (null when absent).
 */
public record CallContext(String tenant, String baseUrl, Long lastEventId) {

    public static final String DEFAULT_TENANT = "default";

    public CallContext {
        if (tenant == null || tenant.isBlank()) {
            tenant = DEFAULT_TENANT;
        }
    }
}
