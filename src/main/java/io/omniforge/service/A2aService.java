package io.omniforge.service;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The A2A 1.0 operations, independent of the binding. The JSON-RPC transport ({@code api.JsonRpcTransport})
 * serves any implementation at a path: the orchestrator itself, and each demo agent. Failures are
 * {@link A2aException}s; any other exception becomes an internal error on the wire.
 */
public interface A2aService {

    /** The public agent card, listing the interfaces where the transport serves this service. */
    AgentCard card(ServedAt at);

    Uni<SendMessageResponse> sendMessage(CallContext ctx, SendMessageRequest request);

    /** The first event is the Task (or a single Message); the stream completes after a terminal or interrupted state. */
    Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request);

    Uni<Task> getTask(CallContext ctx, GetTaskRequest request);

    Uni<ListTasksResponse> listTasks(CallContext ctx, ListTasksRequest request);

    Uni<Task> cancelTask(CallContext ctx, CancelTaskRequest request);

    /** The current Task first, then what follows {@link CallContext#lastEventId()} and the live events. */
    Multi<StreamEvent> subscribeToTask(CallContext ctx, SubscribeToTaskRequest request);

    /** -32007 unless an extended card is configured. */
    default Uni<AgentCard> extendedCard(CallContext ctx) {
        return Uni.createFrom().failure(new A2aException(A2aError.EXTENDED_AGENT_CARD_NOT_CONFIGURED,
                "this agent has no extended agent card configured"));
    }
}
