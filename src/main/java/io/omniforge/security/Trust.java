package io.omniforge.security;

/**
 * How far the sanitizer trusts the agent that receives a crossing ({@code omniforge.sanitizer.agents.<agent>.trust}):
 * {@code trusted} gets personal data (secrets are still redacted), {@code standard} gets neither, {@code strict} gets
 * neither and no long random-looking token or long number either.
 */
public enum Trust {
    TRUSTED,
    STANDARD,
    STRICT
}
