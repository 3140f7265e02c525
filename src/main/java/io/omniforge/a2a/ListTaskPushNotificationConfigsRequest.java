package io.omniforge.a2a;

/** Params of ListTaskPushNotificationConfigs. */
public record ListTaskPushNotificationConfigsRequest(String tenant, String taskId, Integer pageSize, String pageToken) {
}
