package io.omniforge.handoff;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.HandoffCapability;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.observability.Correlation;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Caller;
import io.omniforge.security.ContextSanitizer;
import io.omniforge.security.Permission;
import io.omniforge.security.Sanitized;
import io.omniforge.store.Db;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.ThreadManager;
import io.omniforge.thread.ThreadMessage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Moves a conversation from one agent to another. Validates a request (the target exists and accepts handoffs,
 * the source may hand off to it, the depth and ping-pong limits, not to itself), builds the target's context
 * (transcript, summary or none, always through the {@link ContextSanitizer}), and keeps every handoff, the handoff
 * stack and the thread's active agent in the thread's {@code state_metadata}, changed atomically with the thread.
 *
 * <p>State layout: {@code state_metadata.handoff = {"stack": [agents to return to], "history": [HandoffRecord...]}}.
 */
@ApplicationScoped
public class HandoffManager {

    static final String CLIENT = "client";
    static final int TRANSCRIPT_MESSAGES = 20;

    private final ThreadManager threads;
    private final AgentRegistry registry;
    private final HandoffConfig config;
    private final ContextSanitizer sanitizer;
    private final ObjectMapper mapper;
    private final Db db;
    private final io.omniforge.observability.AuditLog audit;
    private final io.omniforge.observability.Telemetry telemetry;
    private final AccessPolicy policy;

    public HandoffManager(ThreadManager threads, AgentRegistry registry, HandoffConfig config, ContextSanitizer sanitizer,
            ObjectMapper mapper, Db db, io.omniforge.observability.AuditLog audit,
            io.omniforge.observability.Telemetry telemetry, AccessPolicy policy) {
        this.policy = policy;
        this.audit = audit;
        this.telemetry = telemetry;
        this.threads = threads;
        this.registry = registry;
        this.config = config;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
        this.db = db;
    }

    /** What became of a request: the record (accepted or rejected), and for an accepted one the target's context. */
    public record Decision(HandoffRecord record, Message context) {
        public boolean accepted() {
            return record.state() == HandoffState.ACCEPTED || record.state() == HandoffState.ACTIVE
                    || record.state() == HandoffState.RETURNED;
        }

        public boolean handBack() {
            return record.state() == HandoffState.RETURNED;
        }
    }

    /** The handoffs of a thread, oldest first. */
    public Uni<List<HandoffRecord>> history(String tenant, String threadId) {
        return threads.get(tenant, threadId).map(t -> t.map(this::history).orElse(null));
    }

    public List<HandoffRecord> history(ConversationThread thread) {
        return ThreadHandoffs.of(thread.stateMetadata(), mapper).history();
    }

    /**
     * Decides on a request from {@code from} (the agent that owns the conversation now) and records the outcome.
     * A forward handoff is recorded as accepted (it becomes active once the target takes the conversation, see
     * {@link #activate}); a handback returns control at once; a refusal is recorded with the reason.
     */
    public Uni<Decision> decide(Caller caller, String threadId, String taskId, String from, HandoffRequest request,
            String requestedBy, Message userMessage) {
        String tenant = caller.tenant();
        return threads.getOrCreate(tenant, threadId).onItem().transformToUni(thread -> {
            List<String> stack = ThreadHandoffs.of(thread.stateMetadata(), mapper).stack();
            String to = request.handBack() || (request.to() != null && !stack.isEmpty() && request.to().equals(stack.get(stack.size() - 1)))
                    ? (stack.isEmpty() ? null : stack.get(stack.size() - 1)) : request.to();
            boolean back = to != null && !stack.isEmpty() && to.equals(stack.get(stack.size() - 1));
            Instant now = Instant.now();
            HandoffRecord initiated = new HandoffRecord(UUID.randomUUID().toString(), from, to, request.reason(), requestedBy,
                    HandoffState.INITIATED, stack.size() + (back ? 0 : 1), request.expectReturn(), null, taskId, now, now,
                    null);
            return traced(tenant, threadId, initiated, () -> validate(caller, thread, initiated, back).onItem().transformToUni(refusal -> {
                if (refusal.isPresent()) {
                    HandoffRecord rejected = initiated.with(HandoffState.REJECTED, refusal.get());
                    return record(tenant, threadId, rejected, null).map(t -> new Decision(rejected, null));
                }
                if (back) {
                    return handBack(tenant, threadId, initiated).map(t -> new Decision(
                            initiated.with(HandoffState.RETURNED, null), null));
                }
                HandoffRecord accepted = initiated.with(HandoffState.ACCEPTED, null);
                if (CLIENT.equals(requestedBy) && userMessage == null) {
                    // A client's handoff without a message: the context goes with the thread's next message.
                    return record(tenant, threadId, accepted, null).map(t -> new Decision(accepted, null));
                }
                return context(tenant, thread, accepted, request, userMessage).onItem().transformToUni(context -> {
                    HandoffRecord sanitized = accepted.withRedactions(context.counts());
                    return record(tenant, threadId, sanitized, null).map(t -> new Decision(sanitized, context.message()));
                }).onFailure(io.omniforge.security.CrossingRefused.class).recoverWithUni(refused -> {
                    // A guardrail refused the context: nothing crosses, the handoff is rejected with the rule named.
                    HandoffRecord rejected = initiated.with(HandoffState.REJECTED, refused.getMessage());
                    return record(tenant, threadId, rejected, null).map(t -> new Decision(rejected, null));
                });
            }));
        });
    }

    /**
     * The decision under its span, {@code handoff <from> -> <to>}, which ends with the outcome (the record's state) and
     * carries the handoff's log correlation. It starts with the audit event {@code handoff.initiated}: the request as
     * received, before it is validated.
     */
    private Uni<Decision> traced(String tenant, String threadId, HandoffRecord initiated,
            java.util.function.Supplier<Uni<Decision>> decision) {
        return telemetry.handoff(initiated.id(), initiated.from(), initiated.to(), initiated.requestedBy(),
                correlation(tenant, threadId, initiated), span -> {
                    observe(tenant, threadId, initiated);
                    return decision.get().invoke(d -> span.outcome(d.record().state().wire()));
                });
    }

    /** The log correlation of work on handoff {@code h}: the caller's, with the handoff's tenant, thread, task and id. */
    private static Map<String, String> correlation(String tenant, String threadId, HandoffRecord h) {
        return Correlation.with(Correlation.capture(), Correlation.TENANT, tenant, Correlation.THREAD_ID, threadId,
                Correlation.TASK_ID, h.taskId(), Correlation.HANDOFF_ID, h.id());
    }

    /**
     * A client moves the conversation (through the API, or with a message's metadata): decided like an agent's
     * request, from the thread's active agent, and active at once when accepted. Without a message (the API), the
     * target gets the context with the next message of the thread.
     */
    public Uni<Decision> clientHandoff(Caller caller, String threadId, HandoffRequest request, Message message) {
        String tenant = caller.tenant();
        try {
            policy.require(caller, Permission.HANDOFF_INITIATE, "hand a thread off");
        } catch (RuntimeException denied) {
            return Uni.createFrom().failure(denied);
        }
        return threads.getOrCreate(tenant, threadId).onItem().transformToUni(thread ->
                decide(caller, threadId, null, thread.activeAgent(), request, CLIENT, message))
                .onItem().transformToUni(decision -> {
                    if (!decision.accepted() || decision.handBack()) {
                        return Uni.createFrom().item(decision);
                    }
                    HandoffRecord active = decision.record().with(HandoffState.ACTIVE, null);
                    observe(tenant, threadId, active);
                    return db.write(c -> {
                        updateHandoffs(c, tenant, threadId, h -> {
                            ThreadHandoffs next = h.with(active);
                            if (active.expectReturn() && active.from() != null) {
                                next = next.pushing(active.from());
                            }
                            return message == null ? next.owing(active.id()) : next;
                        });
                        threads.setActiveAgent(c, tenant, threadId, active.to());
                        return new Decision(active, decision.context());
                    });
                });
    }

    /**
     * The context a client's handoff owes its target, built now for the target's first message, with the handoff's
     * record and what the sanitizer redacted from it: empty when the thread owes none (or not to this agent).
     */
    public Uni<Decision> pendingContext(String tenant, ConversationThread thread, String agent, Message message) {
        String id = ThreadHandoffs.of(thread.stateMetadata(), mapper).pendingContext();
        if (id == null) {
            return Uni.createFrom().nullItem();
        }
        Optional<HandoffRecord> h = history(thread).stream().filter(r -> r.id().equals(id) && agent.equals(r.to())).findFirst();
        if (h.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        HandoffRecord owed = h.get();
        return context(tenant, thread, owed, new HandoffRequest(owed.to(), owed.reason(), null, false, false), message)
                .map(context -> new Decision(owed.withRedactions(context.counts()), context.message()));
    }

    /**
     * Inside the write that sends it: the owed context has been delivered, and the handoff's record keeps what was
     * redacted from it (only that field is written: the rest of the record may have moved on).
     */
    public void contextDelivered(Connection c, String tenant, String threadId, HandoffRecord delivered) throws SQLException {
        updateHandoffs(c, tenant, threadId, h -> {
            ThreadHandoffs next = h.owing(null);
            return delivered.redactions() == null ? next
                    : next.changing(delivered.id(), r -> r.withRedactions(delivered.redactions()));
        });
    }

    /** The target took the conversation: the handoff is active, the thread is the target's, the source is stacked. */
    public Uni<ConversationThread> activate(String tenant, String threadId, HandoffRecord accepted) {
        // Counted as a client's handoff is when it is decided; no audit line: handoff.accepted said it already.
        telemetry.handoff(HandoffState.ACTIVE.wire());
        return db.write(c -> {
            ConversationThread t = updateHandoffs(c, tenant, threadId, h -> {
                ThreadHandoffs next = h.with(accepted.with(HandoffState.ACTIVE, null));
                return accepted.expectReturn() ? next.pushing(accepted.from()) : next;
            });
            threads.setActiveAgent(c, tenant, threadId, accepted.to());
            return t;
        });
    }

    /** The target finished its part: a one-way handoff is completed (the thread stays the target's). */
    public Uni<ConversationThread> settle(String tenant, String threadId, HandoffRecord active) {
        if (active.expectReturn()) {
            return threads.getOrCreate(tenant, threadId);
        }
        return record(tenant, threadId, active.with(HandoffState.COMPLETED, null), null);
    }

    /** The target could not take the conversation: the handoff failed and the thread stays (or goes back) with the source. */
    public Uni<ConversationThread> fail(String tenant, String threadId, HandoffRecord handoff, String why) {
        observe(tenant, threadId, handoff.with(HandoffState.FAILED, why));
        return db.write(c -> {
            ConversationThread t = updateHandoffs(c, tenant, threadId, h -> {
                ThreadHandoffs next = h.with(handoff.with(HandoffState.FAILED, why));
                return handoff.expectReturn() && next.next().filter(handoff.from()::equals).isPresent()
                        ? next.popping() : next;
            });
            threads.setActiveAgent(c, tenant, threadId, handoff.from());
            return t;
        });
    }

    /** Handoffs a crash caught half-way are rolled back: failed, and the thread with the agent that had it. */
    public int rollBackInFlight(Connection c, ConversationThread thread, java.util.function.Predicate<String> taskIsDead)
            throws SQLException {
        List<HandoffRecord> inFlight = history(thread).stream()
                .filter(h -> h.state().inFlight() && taskIsDead.test(h.taskId())).toList();
        if (inFlight.isEmpty()) {
            return 0;
        }
        updateHandoffs(c, thread.tenant(), thread.id(), h -> {
            ThreadHandoffs next = h;
            for (HandoffRecord r : inFlight) {
                next = next.with(r.with(HandoffState.FAILED, "rolled back: the orchestrator restarted during the handoff"));
            }
            return next;
        });
        threads.setActiveAgent(c, thread.tenant(), thread.id(), inFlight.get(0).from());
        return inFlight.size();
    }

    private Uni<ConversationThread> handBack(String tenant, String threadId, HandoffRecord back) {
        observe(tenant, threadId, back.with(HandoffState.RETURNED, null));
        return db.write(c -> {
            ConversationThread t = updateHandoffs(c, tenant, threadId, h -> {
                ThreadHandoffs next = h.popping();
                // The handoff that brought the conversation to the agent handing back is now returned.
                List<HandoffRecord> history = next.history();
                for (int i = history.size() - 1; i >= 0; i--) {
                    HandoffRecord r = history.get(i);
                    if (r.state() == HandoffState.ACTIVE && back.from().equals(r.to()) && back.to().equals(r.from())) {
                        next = next.with(r.with(HandoffState.RETURNED, null));
                        break;
                    }
                }
                return next.with(back.with(HandoffState.RETURNED, null));
            });
            threads.setActiveAgent(c, tenant, threadId, back.to());
            return t;
        });
    }

    /**
     * An audit event and a metric for a handoff's new state (ids and names only, never message text), with the
     * handoff's correlation: it is often written in a callback of some other work. A request (INITIATED) is not
     * counted: the metric counts the states a decision reaches.
     */
    private void observe(String tenant, String threadId, HandoffRecord h) {
        io.omniforge.observability.AuditEvent event = switch (h.state()) {
            case INITIATED -> io.omniforge.observability.AuditEvent.HANDOFF_INITIATED;
            case ACCEPTED, ACTIVE -> io.omniforge.observability.AuditEvent.HANDOFF_ACCEPTED;
            case COMPLETED -> io.omniforge.observability.AuditEvent.HANDOFF_COMPLETED;
            case RETURNED -> io.omniforge.observability.AuditEvent.HANDOFF_RETURNED;
            case REJECTED -> io.omniforge.observability.AuditEvent.HANDOFF_REJECTED;
            case FAILED -> io.omniforge.observability.AuditEvent.HANDOFF_FAILED;
        };
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("handoff_id", h.id());
        fields.put("thread_id", threadId);
        if (h.taskId() != null) {
            fields.put("task_id", h.taskId());
        }
        fields.put("from", h.from() == null ? "none" : h.from());
        fields.put("to", h.to() == null ? "none" : h.to());
        fields.put("requested_by", h.requestedBy());
        fields.put("depth", h.depth());
        try (Correlation.Scope ignored = Correlation.open(correlation(tenant, threadId, h))) {
            audit.record(event, fields);
        }
        if (h.state() != HandoffState.INITIATED) {
            telemetry.handoff(h.state().wire());
        }
    }

    private Uni<ConversationThread> record(String tenant, String threadId, HandoffRecord record, String activeAgent) {
        observe(tenant, threadId, record);
        return db.write(c -> {
            ConversationThread t = updateHandoffs(c, tenant, threadId, h -> h.with(record));
            if (activeAgent != null) {
                threads.setActiveAgent(c, tenant, threadId, activeAgent);
            }
            return t;
        });
    }

    /** A handoff loop guard refused {@code h}: audited as {@code budget.exhausted}, with the handoff's correlation. */
    private void exhausted(ConversationThread thread, HandoffRecord h, String budget, int limit, Map<String, Object> more) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("budget", budget);
        fields.put("limit", limit);
        fields.putAll(more);
        fields.put("from", h.from() == null ? CLIENT : h.from());
        fields.put("to", h.to());
        Correlation.call(correlation(thread.tenant(), thread.id(), h), () -> {
            audit.record(io.omniforge.observability.AuditEvent.BUDGET_EXHAUSTED, fields);
            return null;
        });
    }

    /** Why the handoff is refused, or empty when it may go ahead. */
    private Uni<Optional<String>> validate(Caller caller, ConversationThread thread, HandoffRecord h, boolean back) {
        if (h.to() == null) {
            return refuse(back ? "there is no agent to hand back to" : "the request names no target agent (\"to\")");
        }
        if (h.to().equals(h.from())) {
            return refuse("agent '" + h.from() + "' cannot hand the conversation off to itself");
        }
        if (!registry.exists(thread.tenant(), h.to())) {
            return refuse("there is no agent named '" + h.to() + "'");
        }
        if (!policy.mayCall(caller, h.to())) {
            return refuse(policy.deny(caller, "agent", h.to(), "hand off to '" + h.to() + "'", "'" + caller.principal()
                    + "' may not call agent '" + h.to() + "' (omniforge.security.agents." + h.to() + ".roles)").getMessage());
        }
        if (back) {
            return Uni.createFrom().item(Optional.empty());
        }
        List<String> allowed = config.allow().get(h.from());
        if (allowed != null && !allowed.contains(h.to())) {
            return refuse("policy (omniforge.handoff.allow." + h.from() + ") does not let '" + h.from()
                    + "' hand off to '" + h.to() + "'");
        }
        java.time.Instant since = java.time.Instant.now().minus(config.window());
        List<HandoffRecord> history = history(thread);
        long recent = history.stream().filter(r -> r.state() != HandoffState.REJECTED && r.createdAt() != null
                && r.createdAt().isAfter(since)).count();
        if (recent >= config.maxPerThread()) {
            exhausted(thread, h, "handoffs-per-thread", config.maxPerThread(), Map.of("window", config.window().toString()));
            return refuse("the thread's budget of handoffs is spent: " + recent + " in the last "
                    + io.omniforge.util.Durations.words(config.window())
                    + " (omniforge.handoff.max-per-thread=" + config.maxPerThread() + ", omniforge.handoff.window="
                    + config.window() + ")");
        }
        long inTask = h.taskId() == null ? 0 : history.stream()
                .filter(r -> h.taskId().equals(r.taskId()) && r.state() != HandoffState.REJECTED).count();
        if (inTask >= config.maxPerTask()) {
            exhausted(thread, h, "handoffs-per-task", config.maxPerTask(), Map.of());
            return refuse("the task's budget of handoffs is spent: it has made " + inTask
                    + " (omniforge.handoff.max-per-task=" + config.maxPerTask() + ")");
        }
        int pingPong = pingPong(history, h.from(), h.to());
        if (pingPong >= config.maxPingPong()) {
            return refuse("'" + h.from() + "' and '" + h.to() + "' have handed the conversation back and forth "
                    + pingPong + " times in a row (omniforge.handoff.max-ping-pong=" + config.maxPingPong() + ")");
        }
        Uni<Optional<HandoffCapability>> source = CLIENT.equals(h.requestedBy()) || h.from() == null
                ? Uni.createFrom().item(Optional.empty())
                : registry.card(thread.tenant(), h.from()).map(card -> HandoffCapability.from(card, mapper))
                        .onFailure().recoverWithItem(Optional.empty());
        return Uni.combine().all().unis(registry.card(thread.tenant(), h.to()).map(card -> HandoffCapability.from(card, mapper)), source)
                .asTuple()
                .map(cards -> {
                    Optional<HandoffCapability> target = cards.getItem1();
                    if (target.isEmpty() || !target.get().canAccept()) {
                        return Optional.of("agent '" + h.to() + "' does not accept handoffs (its card declares no "
                                + HandoffCapability.URI + " with accepts: true)");
                    }
                    if (!CLIENT.equals(h.requestedBy())) {
                        Optional<HandoffCapability> from = cards.getItem2();
                        if (from.isEmpty() || !from.get().canInitiate()) {
                            return Optional.of("agent '" + h.from() + "' may not start handoffs (its card declares none)");
                        }
                        List<String> targets = from.get().targets();
                        if (targets != null && !targets.isEmpty() && !targets.contains(h.to())) {
                            return Optional.of("agent '" + h.from() + "' may hand off only to " + targets);
                        }
                    }
                    int limit = config.maxDepth();
                    if (target.get().maxDepth() != null) {
                        limit = Math.min(limit, target.get().maxDepth());
                    }
                    if (h.depth() > limit) {
                        return Optional.of("the handoff would be " + h.depth() + " deep; the limit is " + limit);
                    }
                    return Optional.<String>empty();
                })
                .onFailure().recoverWithItem(f -> Optional.of("agent '" + h.to() + "' could not be checked: " + f.getMessage()));
    }

    private static Uni<Optional<String>> refuse(String why) {
        return Uni.createFrom().item(Optional.of(why));
    }

    /** How many of the latest handoffs went back and forth between these two agents. */
    static int pingPong(List<HandoffRecord> history, String a, String b) {
        int n = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            HandoffRecord h = history.get(i);
            if (h.state() == HandoffState.REJECTED) {
                continue;
            }
            boolean between = (a.equals(h.from()) && b.equals(h.to())) || (b.equals(h.from()) && a.equals(h.to()));
            if (!between) {
                break;
            }
            n++;
        }
        return n;
    }

    /**
     * The target's context: what its card asks for (transcript, summary or none) and the user's message, sanitized on
     * the way (everything in it comes from the source agent or its conversation, not from the target's own client).
     */
    private Uni<Sanitized> context(String tenant, ConversationThread thread, HandoffRecord h, HandoffRequest request,
            Message userMessage) {
        return registry.card(tenant, h.to())
                .map(card -> HandoffCapability.from(card, mapper).map(HandoffCapability::context)
                        .orElse(HandoffCapability.ContextMode.SUMMARY))
                .onItem().transformToUni(mode -> {
                    if (mode == HandoffCapability.ContextMode.TRANSCRIPT) {
                        // The user's latest message follows the transcript unless the transcript already ends with it.
                        return threads.messages(tenant, thread.id(), TRANSCRIPT_MESSAGES).map(m -> new Context(transcript(m),
                                userMessage != null && m.stream().noneMatch(t -> t.message().messageId().equals(userMessage.messageId()))));
                    }
                    if (mode == HandoffCapability.ContextMode.NONE) {
                        return Uni.createFrom().item(new Context(null, true));
                    }
                    return Uni.createFrom().item(new Context(request.summary(), true));
                })
                .map(ctx -> {
                    List<Part> parts = new ArrayList<>();
                    String head = "[handoff from " + (h.from() == null ? "the client" : h.from())
                            + (h.reason() != null ? ": " + h.reason() : "") + "]";
                    parts.add(Part.text(ctx.text() == null ? head : head + "\n" + ctx.text()));
                    if (userMessage != null && ctx.withMessage()) {
                        parts.addAll(userMessage.parts());
                    }
                    Message context = new Message(UUID.randomUUID().toString(), null, null, Role.ROLE_USER, parts,
                            null, null, null);
                    return Correlation.call(correlation(tenant, thread.id(), h),
                            () -> sanitizer.sanitize(context, h.from() == null ? CLIENT : h.from(), h.to()));
                });
    }

    /** The context text, and whether the user's message follows it. */
    private record Context(String text, boolean withMessage) {
    }

    private String transcript(List<ThreadMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ThreadMessage m : messages) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(m.message().role() == Role.ROLE_USER ? "user" : (m.agent() == null ? "agent" : m.agent()))
                    .append(": ").append(m.message().text());
        }
        return sb.toString();
    }

    /**
     * The thread's handoffs changed by {@code change}, inside the caller's write, and those on their way
     * (initiated or accepted) mirrored in {@code handoffs_in_flight} in the same transaction: where a start-up looks
     * for those a crash caught half-way ({@link #threadsWithClientHandoffsInFlight}).
     */
    private ConversationThread updateHandoffs(Connection c, String tenant, String threadId,
            java.util.function.UnaryOperator<ThreadHandoffs> change) throws SQLException {
        ConversationThread t = threads.updateState(c, tenant, threadId,
                state -> change.apply(ThreadHandoffs.of(state, mapper)).into(state, mapper));
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM handoffs_in_flight WHERE tenant = ? AND thread_id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, threadId);
            ps.executeUpdate();
        }
        List<HandoffRecord> inFlight = ThreadHandoffs.of(t.stateMetadata(), mapper).inFlight();
        if (!inFlight.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO handoffs_in_flight (tenant, thread_id, handoff_id, task_id) VALUES (?, ?, ?, ?)")) {
                for (HandoffRecord h : inFlight) {
                    ps.setString(1, tenant);
                    ps.setString(2, threadId);
                    ps.setString(3, h.id());
                    ps.setString(4, h.taskId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return t;
    }

    /**
     * The threads with a handoff on its way that belongs to no task (a client's, between its decision and its
     * activation), read by key from {@code handoffs_in_flight}: after a crash, those to roll back.
     */
    public Uni<List<ConversationThread>> threadsWithClientHandoffsInFlight() {
        return db.read(c -> {
            List<ConversationThread> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT tenant, thread_id FROM handoffs_in_flight WHERE task_id IS NULL")) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        threads.find(c, rs.getString(1), rs.getString(2)).ifPresent(out::add);
                    }
                }
            }
            return out;
        });
    }
}
