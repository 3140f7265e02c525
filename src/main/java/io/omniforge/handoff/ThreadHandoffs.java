package io.omniforge.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a thread records of its handoffs, typed: the stack of agents the conversation goes back to (the last is
 * next), every handoff's record in the order they were made, and the handoff whose context the thread still owes
 * its target (null: none). Stored under {@code "handoff"} in the thread's {@code state_metadata}, which holds other
 * things too; {@link #of} and {@link #into} are the only code that reads or writes that part.
 */
public record ThreadHandoffs(List<String> stack, List<HandoffRecord> history, String pendingContext) {

    static final String KEY = "handoff";

    public ThreadHandoffs {
        stack = List.copyOf(stack);
        history = List.copyOf(history);
    }

    /** The handoffs a thread's state records (none when it records none). */
    public static ThreadHandoffs of(JsonNode state, ObjectMapper mapper) {
        JsonNode node = state.path(KEY);
        List<String> stack = new ArrayList<>();
        node.path("stack").forEach(n -> stack.add(n.asText()));
        List<HandoffRecord> history = new ArrayList<>();
        node.path("history").forEach(n -> history.add(mapper.convertValue(n, HandoffRecord.class)));
        JsonNode owed = node.path("pendingContext");
        return new ThreadHandoffs(stack, history, owed.isTextual() ? owed.asText() : null);
    }

    /** {@code state} with these handoffs in place of those it recorded; the rest of it as it was. */
    public ObjectNode into(ObjectNode state, ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        stack.forEach(node.putArray("stack")::add);
        var records = node.putArray("history");
        history.forEach(h -> records.add(mapper.valueToTree(h)));
        if (pendingContext != null) {
            node.put("pendingContext", pendingContext);
        }
        state.set(KEY, node);
        return state;
    }

    /** With {@code record} in place of the record of the same id, or after the others when it is new. */
    public ThreadHandoffs with(HandoffRecord record) {
        List<HandoffRecord> next = new ArrayList<>(history);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).id().equals(record.id())) {
                next.set(i, record);
                return new ThreadHandoffs(stack, next, pendingContext);
            }
        }
        next.add(record);
        return new ThreadHandoffs(stack, next, pendingContext);
    }

    /** With the record of handoff {@code id} changed by {@code change}; as it is when there is none. */
    public ThreadHandoffs changing(String id, UnaryOperator<HandoffRecord> change) {
        return find(id).map(r -> with(change.apply(r))).orElse(this);
    }

    public Optional<HandoffRecord> find(String id) {
        return history.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The agent the conversation goes back to next, if any. */
    public Optional<String> next() {
        return stack.isEmpty() ? Optional.empty() : Optional.of(stack.get(stack.size() - 1));
    }

    /** With {@code agent} on top of the stack: the conversation goes back to it next. */
    public ThreadHandoffs pushing(String agent) {
        List<String> next = new ArrayList<>(stack);
        next.add(agent);
        return new ThreadHandoffs(next, history, pendingContext);
    }

    /** Without the top of the stack (as it is when the stack is empty). */
    public ThreadHandoffs popping() {
        return stack.isEmpty() ? this : new ThreadHandoffs(stack.subList(0, stack.size() - 1), history, pendingContext);
    }

    /** Owing (or, with null, no longer owing) the context of handoff {@code id} to its target. */
    public ThreadHandoffs owing(String id) {
        return new ThreadHandoffs(stack, history, id);
    }

    /** The handoffs on their way (initiated or accepted), oldest first. */
    public List<HandoffRecord> inFlight() {
        return history.stream().filter(h -> h.state().inFlight()).toList();
    }
}
