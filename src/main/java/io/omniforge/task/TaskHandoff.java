package io.omniforge.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.handoff.HandoffManager;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffRequest;
import io.omniforge.handoff.HandoffState;
import io.omniforge.thread.ThreadManager;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a running task does when its agent asks to hand the conversation over: {@link HandoffManager} decides and
 * records; this carries the decision out on the task's run (ends it with its agent, or switches it to the target).
 */
@ApplicationScoped
class TaskHandoff {

    private final HandoffManager handoffs;
    private final ThreadManager threads;
    private final AgentRegistry registry;
    private final AgentClient client;

    TaskHandoff(HandoffManager handoffs, ThreadManager threads, AgentRegistry registry, AgentClient client) {
        this.handoffs = handoffs;
        this.threads = threads;
        this.registry = registry;
        this.client = client;
    }

    /**
     * The agent serving {@code run} asks to hand the conversation over; its final status is held until the
     * decision. Refused: the task ends with its agent, and its status says why. A handback: the task ends, and the
     * thread goes back to the agent that handed off. Accepted: the same task goes on with the target, which gets
     * the context the handoff built; the client sees a status update naming the new agent, then its events.
     */
    Uni<Void> handOff(TaskRun run, HandoffRequest request, StreamResponse held) {
        TaskRecord r = run.record();
        Task task = r.task();
        Message userMessage = lastUserMessage(task);
        String from = run.agent();
        return handoffs.decide(run.caller(), task.contextId(), task.id(), from, request, from, userMessage)
                .onItem().transformToUni(decision -> {
                    HandoffRecord h = decision.record();
                    Map<String, Object> meta = Map.of("handoff", handoffMetadata(h));
                    if (!decision.accepted()) {
                        return run.finishWith(held, from + " asked to hand the conversation to "
                                + (h.to() == null ? "another agent" : h.to()) + ", which was refused: " + h.detail()
                                + "; the conversation stays with " + from, meta);
                    }
                    if (decision.handBack()) {
                        return run.finishWith(held, from + " handed the conversation back to " + h.to()
                                + (h.reason() != null ? ": " + h.reason() : ""), meta);
                    }
                    StreamResponse handedOver = StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                            TaskStatus.of(TaskState.TASK_STATE_WORKING, new Message(UUID.randomUUID().toString(),
                                    task.contextId(), task.id(), Role.ROLE_AGENT,
                                    List.of(Part.text(from + " handed the conversation to " + h.to()
                                            + (h.reason() != null ? ": " + h.reason() : ""))),
                                    AgentMetadata.mark(null, h.to(), meta), null, null)),
                            AgentMetadata.mark(null, h.to(), meta)));
                    return run.append(List.of(handedOver), null, null, List.of(TaskRun.answer(task, from)))
                            .chain(() -> threads.get(r.tenant(), task.contextId()))
                            .chain(thread -> registry.target(run.caller(), h.to()).invoke(target -> {
                                String remoteContext = thread.map(t -> t.stateMetadata().path("agents").path(h.to())
                                        .path("contextId")).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
                                Message context = decision.context().withIds(remoteContext, null);
                                run.switchTo(h.to(), h, client.answer(target, SendMessageRequest.of(context)));
                            }))
                            .replaceWithVoid()
                            .onFailure().call(f -> handoffs.fail(r.tenant(), task.contextId(), h, f.getMessage())
                                    .onItem().transformToUni(t -> run.finishWith(held, "the handoff to " + h.to()
                                            + " failed: " + f.getMessage() + "; the conversation stays with " + from,
                                            Map.of("handoff", handoffMetadata(h.with(HandoffState.FAILED, f.getMessage())))))
                                    .onFailure().recoverWithNull());
                });
    }

    private static Map<String, Object> handoffMetadata(HandoffRecord h) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", h.id());
        if (h.from() != null) {
            m.put("from", h.from());
        }
        if (h.to() != null) {
            m.put("to", h.to());
        }
        m.put("state", h.state().wire());
        if (h.detail() != null) {
            m.put("detail", h.detail());
        }
        return m;
    }

    private static Message lastUserMessage(Task task) {
        if (task.history() == null) {
            return null;
        }
        for (int i = task.history().size() - 1; i >= 0; i--) {
            if (task.history().get(i).role() == Role.ROLE_USER) {
                return task.history().get(i);
            }
        }
        return null;
    }
}
