package io.omniforge.a2a;

import java.util.List;

/** How a client wants SendMessage to behave. */
public record SendMessageConfiguration(
        List<String> acceptedOutputModes,
        TaskPushNotificationConfig taskPushNotificationConfig,
        Integer historyLength,
        Boolean returnImmediately) {

    public SendMessageConfiguration {
        if (historyLength != null && historyLength < 0) {
            throw new IllegalArgumentException("configuration.historyLength must be zero or more, got " + historyLength);
        }
        acceptedOutputModes = A2aJson.copy(acceptedOutputModes);
    }

    public boolean isReturnImmediately() {
        return Boolean.TRUE.equals(returnImmediately);
    }
}
