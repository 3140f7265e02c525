package io.omniforge.a2a;

/** Credentials a push-notification receiver expects. */
public record AuthenticationInfo(String scheme, String credentials) {
}
