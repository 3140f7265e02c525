package io.omniforge.a2a;

/** Params of GetTaskPushNotificationConfig and DeleteTaskPushNotificationConfig. */
public record TaskPushNotificationConfigRequest(String tenant, String id, String taskId) {
}
