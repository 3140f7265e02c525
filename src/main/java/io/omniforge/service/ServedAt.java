package io.omniforge.service;

/**
 * Where a transport serves an {@link A2aService}: the public base URL the request came in on, and the URLs of the
 * service's two interfaces under it (JSON-RPC, HTTP+JSON), which its card lists.
 */
public record ServedAt(String baseUrl, String jsonRpcUrl, String httpJsonUrl) {
}
