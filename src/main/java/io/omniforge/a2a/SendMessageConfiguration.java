package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.List;

/**
 * How a client wants SendMessage to behave.
 *
 * <p>{@code isReturnImmediately()} is a convenience, not a property: is-getters are not auto-detected, else Jackson
 * would write {@code "returnImmediately": false} where the field is absent.
 */
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
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
