package io.omniforge.orchestration;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.StreamResponse;
import java.util.List;
import java.util.Map;

/**
 * What an orchestration adds to its upstream task in one step: events for the task's log, messages for the
 * thread, and optionally its new persisted state and the task's new metadata.
 */
public record Emission(List<StreamResponse> events, List<Message> toThread, OrchestrationState state,
        Map<String, Object> taskMetadata) {

    public Emission {
        events = List.copyOf(events);
        toThread = toThread == null ? List.of() : List.copyOf(toThread);
    }

    public static Emission of(List<StreamResponse> events) {
        return new Emission(events, List.of(), null, null);
    }
}
