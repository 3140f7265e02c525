package io.omniforge.a2a;

/** A webhook to be told about a task's updates. */
public record TaskPushNotificationConfig(
        String tenant,
        String id,
        String taskId,
        String url,
        String token,
        AuthenticationInfo authentication) {
}
