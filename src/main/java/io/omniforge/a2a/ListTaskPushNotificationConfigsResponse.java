package io.omniforge.a2a;

import java.util.List;

/** Result of ListTaskPushNotificationConfigs. */
public record ListTaskPushNotificationConfigsResponse(List<TaskPushNotificationConfig> configs, String nextPageToken) {
}
