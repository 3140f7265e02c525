package io.omniforge.a2a;

import java.util.Arrays;
import java.util.Optional;

/** The JSON-RPC methods of A2A 1.0, and whether each answers with an SSE stream. */
public enum A2aMethod {
    SEND_MESSAGE("SendMessage", false),
    SEND_STREAMING_MESSAGE("SendStreamingMessage", true),
    GET_TASK("GetTask", false),
    LIST_TASKS("ListTasks", false),
    CANCEL_TASK("CancelTask", false),
    SUBSCRIBE_TO_TASK("SubscribeToTask", true),
    CREATE_PUSH_CONFIG("CreateTaskPushNotificationConfig", false),
    GET_PUSH_CONFIG("GetTaskPushNotificationConfig", false),
    LIST_PUSH_CONFIGS("ListTaskPushNotificationConfigs", false),
    DELETE_PUSH_CONFIG("DeleteTaskPushNotificationConfig", false),
    GET_EXTENDED_AGENT_CARD("GetExtendedAgentCard", false);

    private final String wireName;
    private final boolean streaming;

    A2aMethod(String wireName, boolean streaming) {
        this.wireName = wireName;
        this.streaming = streaming;
    }

    public String wireName() {
        return wireName;
    }

    public boolean streaming() {
        return streaming;
    }

    public boolean isPushNotificationMethod() {
        return this == CREATE_PUSH_CONFIG || this == GET_PUSH_CONFIG
                || this == LIST_PUSH_CONFIGS || this == DELETE_PUSH_CONFIG;
    }

    public static Optional<A2aMethod> fromWire(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }
}
