package io.omniforge.a2a;

/** Who sent a message. */
public enum Role {
    ROLE_USER,
    ROLE_AGENT
}
