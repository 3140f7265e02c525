package io.omniforge.a2a;

import java.util.Map;

/** Params of SendMessage and SendStreamingMessage. */
public record SendMessageRequest(
        String tenant,
        Message message,
        SendMessageConfiguration configuration,
        Map<String, Object> metadata) {

    public SendMessageRequest {
        if (message == null) {
            throw new IllegalArgumentException("params.message is required");
        }
        metadata = A2aJson.copy(metadata);
    }

    public static SendMessageRequest of(Message message) {
        return new SendMessageRequest(null, message, null, null);
    }
}
