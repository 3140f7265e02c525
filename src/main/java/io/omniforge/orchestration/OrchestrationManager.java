package io.omniforge.orchestration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentClient;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.observability.Correlation;
import io.omniforge.observability.Traced;
import io.omniforge.security.ContextSanitizer;
import io.omniforge.security.Sanitized;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Runs orchestrations: reads the plan a message asks for (a flow, or an ad hoc strategy under the orchestration
 * extension's metadata), runs its agents as Mutiny pipelines — a bounded merge for parallel, race and quorum, a
 * chain for sequential — within the plan's deadline and per-agent timeout, and synthesizes the results into the
 * upstream task: every agent's output as its own artifacts (marked with the agent), plus one synthesized artifact.
 */
@ApplicationScoped
public class OrchestrationManager {

    public static final String SYNTHESIS = "synthesis";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OrchestrationManager.class);
    private static final String FIELD = "metadata[" + OrchestrationCapability.URI + "]";

    private final AgentRegistry registry;
    private final AgentClient client;
    private final FlowRegistry flows;
    private final OrchestrationConfig config;
    private final ContextSanitizer sanitizer;
    private final ObjectMapper mapper;
    private final String version;
    private final io.omniforge.observability.Telemetry telemetry;
    private final io.omniforge.observability.AuditLog audit;
    private final io.omniforge.security.Authenticator authenticator;

    public OrchestrationManager(AgentRegistry registry, AgentClient client, FlowRegistry flows, OrchestrationConfig config,
            ContextSanitizer sanitizer, ObjectMapper mapper,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "omniforge.gateway.version", defaultValue = "0.1.0")
            String version, io.omniforge.observability.Telemetry telemetry, io.omniforge.observability.AuditLog audit,
            io.omniforge.security.Authenticator authenticator) {
        this.authenticator = authenticator;
        this.version = version;
        this.telemetry = telemetry;
        this.audit = audit;
        this.registry = registry;
        this.client = client;
        this.flows = flows;
        this.config = config;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
    }

    /** Once the registry knows its agents: a flow naming an unknown agent is reported (and refused when used). */
    void checkFlows(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 900) StartupEvent event) {
        flows.check(registry, config.maxAgents()).forEach(problem -> LOG.warnf("%s; the flow is refused until this is fixed", problem));
    }

    public FlowRegistry flows() {
        return flows;
    }

    public int maxAgents() {
        return config.maxAgents();
    }

    // ------------------------------------------------------------------------------------------ plans

    /**
     * The plan a message asks for under the orchestration extension: {@code {"flow": name}} or an ad hoc
     * {@code {"strategy": ..., "agents": [...]}}; empty when it names a single agent or nothing.
     *
     * @throws A2aException -32602 naming the field that is wrong
     */
    public Optional<Plan> planFor(String tenant, Map<String, Object> metadata) {
        if (metadata == null || !(metadata.get(OrchestrationCapability.URI) instanceof Map<?, ?> spec)) {
            return Optional.empty();
        }
        Object flow = spec.get("flow");
        if (flow != null) {
            if (!(flow instanceof String name)) {
                throw A2aException.invalidParams(FIELD + ".flow must be a flow name");
            }
            Plan plan = flows.get(name).orElseThrow(() -> A2aException.invalidParams(FIELD + ".flow: unknown flow '"
                    + name + "'; flows: " + String.join(", ", flows.all().keySet())));
            return Optional.of(plan.validate(a -> callable(tenant, a), config.maxAgents(), "omniforge.flows." + name));
        }
        if (spec.get("strategy") == null) {
            return Optional.empty();
        }
        Plan plan = Plan.fromMetadata(spec, config, FIELD);
        if (plan.strategy() == Strategy.QUORUM && plan.quorum() == null) {
            plan = new Plan(null, plan.strategy(), plan.agents(), plan.agents().size() / 2 + 1, plan.synthesis(),
                    plan.synthesizer(), plan.policy(), plan.deadline(), plan.agentTimeout(), plan.maxConcurrency(),
                    plan.routes());
        }
        return Optional.of(plan.validate(a -> callable(tenant, a), config.maxAgents(), FIELD));
    }

    private boolean callable(String tenant, String agent) {
        return registry.exists(tenant, agent) || flows.get(agent).isPresent();
    }

    /**
     * The agent a {@code route} plan picks for a message: the first agent whose configured rule matches the text,
     * else the agent whose card's skill tags appear most often in it, else the plan's first agent.
     */
    public String route(String tenant, Plan plan, Message message) {
        String text = message.text();
        for (String agent : plan.agents()) {
            String rule = plan.routes().get(agent);
            if (rule != null && Pattern.compile(rule, Pattern.CASE_INSENSITIVE).matcher(text).find()) {
                return agent;
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        Map<String, AgentCard> cards = registry.cachedCards(tenant);
        return plan.agents().stream()
                .max(Comparator.comparingInt((String agent) -> score(cards.get(agent), lower))
                        .thenComparing(agent -> -plan.agents().indexOf(agent)))
                .filter(agent -> score(cards.get(agent), lower) > 0)
                .orElse(plan.agents().get(0));
    }

    private static int score(AgentCard card, String text) {
        if (card == null || card.skills() == null) {
            return 0;
        }
        int score = 0;
        for (AgentSkill skill : card.skills()) {
            if (skill.tags() != null) {
                for (String tag : skill.tags()) {
                    if (Pattern.compile("\\b" + Pattern.quote(tag.toLowerCase(Locale.ROOT)) + "\\b").matcher(text).find()) {
                        score++;
                    }
                }
            }
        }
        return score;
    }

    /** The plan, as the task's metadata shows it. */
    public Map<String, Object> describe(Plan plan, List<LegRecord> legs) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("agent", plan.label());
        if (plan.flow() != null) {
            entry.put("flow", plan.flow());
        }
        entry.put("strategy", plan.strategy().wire());
        entry.put("agents", plan.agents());
        entry.put("synthesis", plan.synthesis().wire());
        entry.put("policy", plan.policy().wire());
        if (legs != null) {
            List<Map<String, Object>> l = new ArrayList<>();
            for (LegRecord r : legs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("agent", r.agent());
                m.put("index", r.index());
                m.put("state", r.state());
                if (r.error() != null) {
                    m.put("error", r.error());
                }
                if (r.redactions() != null) {
                    m.put("redactions", r.redactions());
                }
                l.add(m);
            }
            entry.put("legs", l);
            Map<String, Integer> redactions = Sanitized.sum(legs.stream().map(LegRecord::redactions).toList());
            if (redactions != null) {
                entry.put("redactions", redactions);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(OrchestrationCapability.URI, entry);
        return metadata;
    }

    // -------------------------------------------------------------------------------------- running

    /** Runs a plan for a new task; the returned Uni completes once the task's final (or paused) state is stored. */
    public Uni<Void> run(Plan plan, Message input, Sink sink) {
        return traced(plan, sink, span -> {
            Run run = new Run(plan, sink, span, config.maxAgentCalls());
            StreamResponse start = status(sink, TaskState.TASK_STATE_WORKING, null, describe(plan, null));
            audit.record(io.omniforge.observability.AuditEvent.ORCHESTRATION_STARTED, auditFields(run));
            // The start is queued to the store now (emit queues at once, in order); the agents are called without
            // waiting for its commit, and their events are queued after it.
            Uni<Void> started = sink.emit(Emission.of(List.of(start)));
            return Uni.combine().all().unis(started, execute(run, input, 0, null)).asTuple()
                    .chain(both -> finish(run, both.getItem2()));
        });
    }

    /**
     * An orchestration's span: its agent calls are its children, and it ends with the orchestration's outcome. The
     * span carries the orchestration's log correlation (the request's, with its tenant, thread, task and its own id),
     * so its agent calls log with it wherever they are subscribed.
     */
    private Uni<Void> traced(Plan plan, Sink sink, java.util.function.Function<Traced, Uni<Void>> work) {
        Map<String, String> correlation = Correlation.with(Correlation.capture(), Correlation.TENANT, sink.caller().tenant(),
                Correlation.THREAD_ID, sink.contextId(), Correlation.TASK_ID, sink.taskId(),
                Correlation.ORCHESTRATION_ID, sink.taskId());
        return telemetry.orchestration(sink.taskId(), plan.strategy().wire(), plan.flow(), plan.agents().size(),
                correlation, work);
    }

    private static Map<String, Object> auditFields(Run run) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("task_id", run.sink.taskId());
        fields.put("orchestration_id", run.sink.taskId());
        fields.put("strategy", run.plan.strategy().wire());
        if (run.plan.flow() != null) {
            fields.put("flow", run.plan.flow());
        }
        fields.put("agents", run.plan.agents().size());
        return fields;
    }

    /** The end of an orchestration, for the audit log and the metrics. */
    private void ended(Run run, TaskState end) {
        Map<String, Object> fields = auditFields(run);
        fields.put("outcome", end.name());
        fields.put("failed_agents", run.legs().stream().filter(l -> !TaskState.TASK_STATE_COMPLETED.name().equals(l.state()))
                .filter(l -> l.index() < run.plan.agents().size()).count());
        // In a callback of whichever agent answered last: the orchestration's own correlation, not that thread's.
        try (Correlation.Scope ignored = Correlation.open(run.correlation)) {
            audit.record(end == TaskState.TASK_STATE_COMPLETED ? io.omniforge.observability.AuditEvent.ORCHESTRATION_COMPLETED
                    : io.omniforge.observability.AuditEvent.ORCHESTRATION_FAILED, fields);
        }
        String outcome = end.name().substring("TASK_STATE_".length()).toLowerCase(Locale.ROOT);
        telemetry.orchestrationFinished(run.plan.strategy().wire(), outcome, System.nanoTime() - run.started);
        run.span.outcome(outcome);
    }

    /** A paused pipeline goes on: the client's reply to the agent that asked, then the rest of the pipeline. */
    public Uni<Void> resume(OrchestrationState state, Message reply, Sink sink) {
        return traced(state.plan(), sink, span -> {
            Run run = new Run(state.plan(), sink, span, config.maxAgentCalls());
            state.legs().stream().filter(l -> state.paused() == null || l.index() < state.paused())
                    .forEach(l -> run.records.put(l.index(), l));
            state.legs().stream().filter(l -> l.redactions() != null)
                    .forEach(l -> run.redactions.put(l.index(), l.redactions()));
            LegRecord paused = state.pausedLeg();
            if (paused == null) {
                return Uni.createFrom().failure(new IllegalStateException("the orchestration is not paused"));
            }
            return execute(run, reply, paused.index(), paused).chain(outcome -> finish(run, outcome));
        });
    }

    /**
     * An orchestration taken over after a restart (the process that ran it died): it goes on from its stored state,
     * with the same strategy's rules. A leg that had ended keeps its result (its output is read back from the task's
     * artifacts, which it wrote under {@code <agent>.<index>/}); a leg whose agent had named its task is followed
     * again there ({@link Leg#reattach}); a leg not yet started, or whose agent had not named its task, starts now.
     * So a pipeline goes on at its step, and the synthesis runs once, after the legs. The deadline starts again.
     */
    public Uni<Void> continueAfterRestart(OrchestrationState state, Message input, Sink sink, java.time.Duration pollEvery,
            java.time.Duration agentDeadline) {
        return traced(state.plan(), sink, span -> {
            Run run = new Run(state.plan(), sink, span, config.maxAgentCalls());
            run.pollEvery = pollEvery;
            run.agentDeadline = agentDeadline;
            state.legs().forEach(l -> run.stored.put(l.index(), l));
            state.legs().stream().filter(l -> l.redactions() != null)
                    .forEach(l -> run.redactions.put(l.index(), l.redactions()));
            LOG.infof("orchestration %s goes on after the restart: %d legs ended, %d followed again, %d to start",
                    sink.taskId(), state.legs().stream().filter(l -> isFinal(l.state())).count(),
                    state.legs().stream().filter(l -> !isFinal(l.state()) && l.remoteTaskId() != null).count(),
                    state.plan().agents().size() - state.legs().stream().filter(l -> isFinal(l.state())
                            || l.remoteTaskId() != null).filter(l -> l.index() < state.plan().agents().size()).count());
            return execute(run, input, 0, null).chain(outcome -> finish(run, outcome));
        });
    }

    /**
     * A leg as the restart left it, if this run was taken over and the leg had ended (its result, read back) or its
     * agent had named its task (followed again); empty: the leg starts as any leg.
     */
    private Optional<Uni<LegResult>> taken(Run run, int index, String agent) {
        LegRecord before = run.stored.remove(index);
        if (before == null || !agent.equals(before.agent())) {
            return Optional.empty();
        }
        if (isFinal(before.state())) {
            LegResult r = restored(run, before);
            run.records.put(index, before);
            run.finished.add(r);
            return Optional.of(Uni.createFrom().item(r));
        }
        if (before.remoteTaskId() == null) {
            return Optional.empty();
        }
        run.records.put(index, new LegRecord(index, agent, TaskState.TASK_STATE_WORKING.name(), before.remoteTaskId(),
                before.remoteContextId(), null));
        return Optional.of(new Leg(index, agent, null, run.plan.agentTimeout(), recording(run), registry, client, before,
                run.span, (taskId, contextId) -> { }).reattach(run.pollEvery, run.agentDeadline)
                .invoke(r -> {
                    run.records.put(index, r.record());
                    run.finished.add(r);
                }));
    }

    /** The result of a leg that ended before the restart: its state and error as stored, its output from the task. */
    private static LegResult restored(Run run, LegRecord l) {
        String prefix = l.agent() + "." + l.index() + "/";
        List<Artifact> own = run.sink.artifacts().stream().filter(a -> a.artifactId().startsWith(prefix)).toList();
        List<Part> output = new ArrayList<>();
        own.stream().filter(a -> a.artifactId().equals(prefix + SYNTHESIS)).findFirst()
                .ifPresentOrElse(a -> output.addAll(a.parts()), () -> own.forEach(a -> output.addAll(a.parts())));
        TaskState state;
        try {
            state = TaskState.valueOf(l.state());
        } catch (IllegalArgumentException e) {
            state = TaskState.TASK_STATE_FAILED;
        }
        return new LegResult(l.index(), l.agent(), state, output, null, l.error(), l.remoteTaskId(), l.remoteContextId());
    }

    /**
     * The state of one execution: the plan, the sink, its span, each leg's record, what the sanitizer redacted from
     * each leg's input, the results in completion order, and the log correlation of the request that started it
     * (its legs run on other threads).
     */
    private static final class Run {
        final Plan plan;
        final Sink sink;
        final Traced span;
        final Map<Integer, LegRecord> records = new ConcurrentHashMap<>();
        final Map<Integer, Map<String, Integer>> redactions = new ConcurrentHashMap<>();
        final List<LegResult> finished = java.util.Collections.synchronizedList(new ArrayList<>());
        final long started = System.nanoTime();
        final Map<String, String> correlation;
        /** A run taken over after a restart: the legs as they were stored, each used once ({@link #taken}). */
        final Map<Integer, LegRecord> stored = new ConcurrentHashMap<>();
        java.time.Duration pollEvery;
        java.time.Duration agentDeadline;
        /** Agent calls this orchestration may still make (its nested flows' included); see max-agent-calls. */
        final AtomicInteger callsLeft;
        final int callBudget;

        Run(Plan plan, Sink sink, Traced span, int maxAgentCalls) {
            this.plan = plan;
            this.sink = sink;
            this.callBudget = Math.min(maxAgentCalls, sink.caller().callBudget().orElse(Integer.MAX_VALUE));
            this.callsLeft = new AtomicInteger(callBudget);
            this.correlation = span.correlation();
            this.span = span;
        }

        List<LegRecord> legs() {
            return records.values().stream().sorted(Comparator.comparingInt(LegRecord::index))
                    .map(r -> r.withRedactions(redactions.get(r.index()))).toList();
        }

        List<LegResult> finishedSnapshot() {
            synchronized (finished) {
                return List.copyOf(finished);
            }
        }
    }

    /** How an orchestration ended before synthesis. */
    private record Outcome(TaskState state, List<LegResult> results, String why, LegResult paused) {
    }

    private Uni<Outcome> execute(Run run, Message input, int from, LegRecord resume) {
        Plan plan = run.plan;
        Uni<Outcome> work = switch (plan.strategy()) {
            case SEQUENTIAL -> chain(run, from, input, null, resume);
            case PARALLEL -> parallel(run, input);
            case RACE -> race(run, input);
            case QUORUM -> quorum(run, input);
            case ROUTE -> leg(run, plan.agents().indexOf(route(run.sink.caller().tenant(), plan, input)),
                    route(run.sink.caller().tenant(), plan, input), input, null, null)
                    .map(r -> r.ok() ? new Outcome(TaskState.TASK_STATE_COMPLETED, List.of(r), null, null)
                            : new Outcome(TaskState.TASK_STATE_FAILED, List.of(r), r.error(), null));
        };
        return work
                .ifNoItem().after(plan.deadline()).recoverWithItem(() -> {
                    List<LegResult> done = run.finishedSnapshot();
                    StrategyRules.Verdict v = StrategyRules.afterDeadline(plan, done);
                    return new Outcome(v.state(), done, v.why(), null);
                })
                .onFailure(FailFast.class).recoverWithItem(f -> new Outcome(TaskState.TASK_STATE_FAILED,
                        run.finishedSnapshot(), f.getMessage(), null));
    }

    /**
     * One agent's part, recorded as it ends. {@code from} says whose content the input is: null for the client's own
     * message (or reply), which the client sends to the agents it asked for, else the agent (or agents) whose output
     * it is. That is a crossing from one agent to another: the input goes through the sanitizer, and the part records
     * what was redacted.
     */
    private Uni<LegResult> leg(Run run, int index, String agent, Message input, String from, LegRecord resume) {
        Optional<Uni<LegResult>> taken = taken(run, index, agent);
        if (taken.isPresent()) {
            return taken.get();
        }
        Message crossing = input;
        if (from != null) {
            Sanitized sanitized;
            try {
                sanitized = Correlation.call(run.correlation, () -> sanitizer.sanitize(input, from, agent));
            } catch (io.omniforge.security.CrossingRefused refused) {
                // Nothing crosses: the leg is not called, and fails with the rule named.
                LegResult skipped = new LegResult(index, agent, null, List.of(), null, refused.getMessage(), null, null);
                run.records.put(index, skipped.record());
                run.finished.add(skipped);
                return Uni.createFrom().item(skipped);
            }
            crossing = sanitized.message();
            if (sanitized.redacted()) {
                run.redactions.put(index, sanitized.counts());
            }
        }
        if (run.callsLeft.getAndDecrement() <= 0) {
            return Uni.createFrom().item(overBudget(run, index, agent));
        }
        // A resumed leg (a paused pipeline's) follows the agent's task it resumes: stored as soon as it starts, so
        // that a restart follows that task again instead of sending the input anew.
        run.records.put(index, resume != null && resume.remoteTaskId() != null
                ? new LegRecord(index, agent, TaskState.TASK_STATE_WORKING.name(), resume.remoteTaskId(),
                        resume.remoteContextId(), null)
                : new LegRecord(index, agent, TaskState.TASK_STATE_SUBMITTED.name(), null, null, null));
        Sink recording = recording(run);
        return new Leg(index, agent, crossing, run.plan.agentTimeout(), recording, registry, client, resume, run.span,
                (taskId, contextId) -> run.records.put(index, new LegRecord(index, agent,
                        TaskState.TASK_STATE_WORKING.name(), taskId, contextId, null))).run()
                .invoke(r -> {
                    run.records.put(index, r.record());
                    run.finished.add(r);
                });
    }

    /**
     * A leg past the orchestration's budget of agent calls: not called, failed naming the budget, and audited
     * ({@code budget.exhausted}).
     */
    private LegResult overBudget(Run run, int index, String agent) {
        String why = "agent '" + agent + "' was not called: the orchestration's budget of " + run.callBudget
                + " agent calls is spent (omniforge.orchestration.max-agent-calls=" + config.maxAgentCalls()
                + ", the calls of the flows it calls included)";
        Map<String, Object> fields = auditFields(run);
        fields.put("budget", "agent-calls-per-orchestration");
        fields.put("limit", run.callBudget);
        fields.put("to", agent);
        try (Correlation.Scope ignored = Correlation.open(run.correlation)) {
            audit.record(io.omniforge.observability.AuditEvent.BUDGET_EXHAUSTED, fields);
        }
        LegResult skipped = new LegResult(index, agent, null, List.of(), null, why, null, null);
        run.records.put(index, skipped.record());
        run.finished.add(skipped);
        return skipped;
    }

    /**
     * Where a leg writes: the run's sink, each emission carrying the orchestration's state as it now stands. Its
     * caller carries the calls the run has left, which a nested flow gets as its own budget.
     */
    private static Sink recording(Run run) {
        return new Sink() {
            @Override
            public String taskId() {
                return run.sink.taskId();
            }

            @Override
            public String contextId() {
                return run.sink.contextId();
            }

            @Override
            public io.omniforge.security.Caller caller() {
                return run.sink.caller().withCallBudget(run.callsLeft.get());
            }

            @Override
            public List<io.omniforge.a2a.Artifact> artifacts() {
                return run.sink.artifacts();
            }

            @Override
            public Uni<Void> emit(Emission e) {
                return run.sink.emit(e.state() != null ? e : new Emission(e.events(), e.toThread(),
                        new OrchestrationState(run.plan, run.legs(), null), e.taskMetadata()));
            }
        };
    }

    /** A failure that ends a fail-fast orchestration (and cancels what still runs). */
    private static final class FailFast extends RuntimeException {
        FailFast(String message) {
            super(message, null, false, false);
        }
    }

    private Uni<Outcome> parallel(Run run, Message input) {
        return legsOf(run, input)
                .invoke(r -> failFast(run, r))
                .collect().asList()
                .map(results -> {
                    StrategyRules.Verdict v = StrategyRules.parallel(results, run.plan.policy());
                    return new Outcome(v.state(), results, v.why(), null);
                });
    }

    private Uni<Outcome> race(Run run, Message input) {
        return legsOf(run, input)
                .select().where(LegResult::ok)
                .toUni()
                .map(winner -> {
                    StrategyRules.Verdict v = StrategyRules.race(winner, run.finishedSnapshot());
                    return new Outcome(v.state(), winner != null ? List.of(winner) : run.finishedSnapshot(), v.why(), null);
                });
    }

    private Uni<Outcome> quorum(Run run, Message input) {
        int needed = run.plan.quorum();
        int n = run.plan.agents().size();
        AtomicInteger failed = new AtomicInteger();
        return legsOf(run, input)
                .invoke(r -> {
                    if (!r.ok() && StrategyRules.quorumLost(failed.incrementAndGet(), n, needed)) {
                        throw new FailFast("quorum of " + needed + " out of " + n + " cannot be reached: "
                                + StrategyRules.failures(run.finishedSnapshot()));
                    }
                })
                .select().where(LegResult::ok)
                .select().first(needed)
                .collect().asList()
                .map(ok -> new Outcome(TaskState.TASK_STATE_COMPLETED, ok, null, null));
    }

    /** Every agent at once (up to the cap); an agent asking for input is told no and counts as failed. */
    private Multi<LegResult> legsOf(Run run, Message input) {
        List<String> agents = run.plan.agents();
        return Multi.createFrom().items(IntStream.range(0, agents.size()).boxed())
                .onItem().transformToUni(i -> leg(run, i, agents.get(i), input, null, null)
                        .call(r -> r.interrupted() && r.remoteTaskId() != null ? cancelAtAgent(run, r.agent(), r.remoteTaskId())
                                : Uni.createFrom().voidItem())
                        .map(r -> r.interrupted()
                        ? new LegResult(r.index(), r.agent(), TaskState.TASK_STATE_FAILED, r.output(), r.statusMessage(),
                                "agent '" + r.agent() + "' asked for input, which only a sequential orchestration relays",
                                r.remoteTaskId(), r.remoteContextId())
                        : r))
                .merge(run.plan.maxConcurrency());
    }

    /** Best effort: the agent's task is canceled (a question nobody will answer); a failure is only logged. */
    private Uni<Void> cancelAtAgent(Run run, String agent, String remoteTaskId) {
        return registry.cancelQuietly(run.sink.caller(), agent, remoteTaskId, run.span);
    }

    private void failFast(Run run, LegResult r) {
        if (StrategyRules.endsAll(r, run.plan.policy())) {
            throw new FailFast(r.error() != null ? r.error() : "agent '" + r.agent() + "' failed");
        }
    }

    /**
     * A pipeline: each agent's output is the next one's input (sanitized on the way); a question from an agent pauses
     * it. {@code from} is the agent whose output {@code input} is, or null for the client's message.
     */
    private Uni<Outcome> chain(Run run, int index, Message input, String from, LegRecord resume) {
        List<String> agents = run.plan.agents();
        if (index >= agents.size()) {
            List<LegResult> results = run.finishedSnapshot();
            StrategyRules.Verdict v = StrategyRules.pipeline(results);
            return Uni.createFrom().item(new Outcome(v.state(), results, v.why(), null));
        }
        return leg(run, index, agents.get(index), input, from, resume).onItem().transformToUni(r -> {
            if (r.interrupted()) {
                return Uni.createFrom().item(new Outcome(r.state(), run.finishedSnapshot(), null, r));
            }
            failFast(run, r);
            return r.ok() ? chain(run, index + 1, handOver(r), r.agent(), null) : chain(run, index + 1, input, from, null);
        });
    }

    /** The output of one agent as the input of the next. */
    private static Message handOver(LegResult r) {
        List<Part> parts = r.output().isEmpty() ? List.of(Part.text("")) : r.output();
        return new Message(UUID.randomUUID().toString(), null, null, Role.ROLE_USER, parts, null, null, null);
    }


    // ------------------------------------------------------------------------------------ synthesis

    private Uni<Void> finish(Run run, Outcome outcome) {
        Sink sink = run.sink;
        if (outcome.paused() != null) {
            LegResult asking = outcome.paused();
            run.records.put(asking.index(), asking.record());
            Message question = asking.statusMessage() == null ? null
                    : asking.statusMessage().withIds(sink.contextId(), sink.taskId())
                            .withMetadata(markAgent(asking.statusMessage().metadata(), asking.agent()));
            OrchestrationState state = new OrchestrationState(run.plan, run.legs(), asking.index());
            run.span.outcome("input_required");
            return sink.emit(new Emission(List.of(StreamResponse.of(new TaskStatusUpdateEvent(sink.taskId(),
                    sink.contextId(), TaskStatus.of(asking.state(), question), markAgent(null, asking.agent())))),
                    List.of(), state, describe(run.plan, run.legs())));
        }
        // Agents the orchestration stopped waiting for (a race won, a quorum reached, a deadline) were canceled.
        run.records.replaceAll((i, r) -> isFinal(r.state()) ? r : new LegRecord(r.index(), r.agent(),
                TaskState.TASK_STATE_CANCELED.name(), r.remoteTaskId(), r.remoteContextId(),
                outcome.why() != null ? outcome.why() : "not needed any more: canceled"));
        List<LegResult> ok = outcome.results().stream().filter(LegResult::ok).toList();
        String[] synthesisFailure = new String[1];
        Uni<List<Part>> synthesized = (ok.isEmpty() ? Uni.createFrom().item(List.<Part>of()) : synthesize(run, ok))
                .onFailure(FailFast.class).recoverWithItem(f -> {
                    synthesisFailure[0] = f.getMessage();
                    return List.of();
                });
        return synthesized.onItem().transformToUni(parts -> {
            List<StreamResponse> events = new ArrayList<>();
            List<Message> toThread = new ArrayList<>();
            if (!parts.isEmpty()) {
                Map<String, Object> meta = markAgent(null, run.plan.label());
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) meta.get(OrchestrationCapability.URI);
                entry.put("synthesis", synthesisMode(run.plan));
                events.add(StreamResponse.of(new TaskArtifactUpdateEvent(sink.taskId(), sink.contextId(),
                        new Artifact(SYNTHESIS, SYNTHESIS, null, parts, meta, null), false, true, meta)));
                toThread.add(new Message(UUID.randomUUID().toString(), sink.contextId(), sink.taskId(), Role.ROLE_AGENT,
                        parts, markAgent(null, run.plan.label()), null, null));
            }
            TaskState end = StrategyRules.end(outcome.state(), !parts.isEmpty());
            String summary = summary(run, synthesisFailure[0] == null ? outcome
                    : new Outcome(outcome.state(), outcome.results(), synthesisFailure[0], null), end);
            Message said = new Message(UUID.randomUUID().toString(), sink.contextId(), sink.taskId(), Role.ROLE_AGENT,
                    List.of(Part.text(summary)), markAgent(null, run.plan.label()), null, null);
            Map<String, Object> described = describe(run.plan, run.legs());
            events.add(StreamResponse.of(new TaskStatusUpdateEvent(sink.taskId(), sink.contextId(),
                    TaskStatus.of(end, said), described)));
            ended(run, end);
            return sink.emit(new Emission(events, toThread, new OrchestrationState(run.plan, run.legs(), null), described));
        });
    }

    private static boolean isFinal(String state) {
        return !TaskState.TASK_STATE_SUBMITTED.name().equals(state) && !TaskState.TASK_STATE_WORKING.name().equals(state);
    }

    private static String synthesisMode(Plan plan) {
        return switch (plan.strategy()) {
            case SEQUENTIAL -> "last";
            case RACE, ROUTE -> "first";
            default -> plan.synthesis().wire();
        };
    }

    private String summary(Run run, Outcome outcome, TaskState end) {
        long ok = run.legs().stream().filter(l -> l.index() < run.plan.agents().size())
                .filter(l -> TaskState.TASK_STATE_COMPLETED.name().equals(l.state())).count();
        String head = run.plan.label() + ": " + ok + " of " + run.plan.agents().size() + " agents succeeded";
        if (end == TaskState.TASK_STATE_COMPLETED && outcome.why() == null) {
            return head;
        }
        return head + (outcome.why() == null || outcome.why().isEmpty() ? "" : "; " + outcome.why());
    }

    private Uni<List<Part>> synthesize(Run run, List<LegResult> ok) {
        Plan plan = run.plan;
        return switch (synthesisMode(plan)) {
            case "last" -> Uni.createFrom().item(ok.stream().max(Comparator.comparingInt(LegResult::index)).orElseThrow().output());
            case "first" -> Uni.createFrom().item(ok.get(0).output());
            case "delegate" -> delegate(run, ok);
            default -> Uni.createFrom().item(List.of(Part.text(concat(plan, ok))));
        };
    }

    /** One labelled section per agent that succeeded, in the plan's order. */
    private String concat(Plan plan, List<LegResult> ok) {
        StringBuilder sb = new StringBuilder();
        ok.stream().sorted(Comparator.comparingInt(LegResult::index)).forEach(r -> {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append("## ").append(r.agent()).append('\n').append(render(r.output()));
        });
        return sb.toString();
    }

    private String render(List<Part> parts) {
        List<String> out = new ArrayList<>();
        for (Part p : parts) {
            if (p.text() != null) {
                out.add(p.text());
            } else if (p.data() != null) {
                out.add(p.data().toString());
            } else if (p.url() != null) {
                out.add("[" + (p.filename() != null ? p.filename() : "file") + ": " + p.url() + "]");
            } else {
                out.add("[" + (p.filename() != null ? p.filename() : "binary content")
                        + (p.mediaType() != null ? ", " + p.mediaType() : "") + "]");
            }
        }
        return String.join("\n", out);
    }

    /** The collected results go to the synthesizer agent; its answer is the synthesis (concat if it fails, best effort). */
    private Uni<List<Part>> delegate(Run run, List<LegResult> ok) {
        Plan plan = run.plan;
        String collected = concat(plan, ok);
        Message input = new Message(UUID.randomUUID().toString(), null, null, Role.ROLE_USER,
                List.of(Part.text(collected)), null, null, null);
        int index = plan.agents().size();
        String from = ok.stream().sorted(Comparator.comparingInt(LegResult::index)).map(LegResult::agent).distinct()
                .collect(java.util.stream.Collectors.joining(","));
        return leg(run, index, plan.synthesizer(), input, from, null).map(r -> {
            if (r.ok()) {
                return r.output();
            }
            if (plan.policy() == FailurePolicy.FAIL_FAST) {
                throw new FailFast("the synthesizer failed: " + r.error());
            }
            return List.of(Part.text(collected));
        });
    }

    private static Map<String, Object> markAgent(Map<String, Object> metadata, String agent) {
        return OrchestrationCapability.mark(metadata, agent, Map.of());
    }

    private static StreamResponse status(Sink sink, TaskState state, Message message, Map<String, Object> metadata) {
        return StreamResponse.of(new TaskStatusUpdateEvent(sink.taskId(), sink.contextId(), TaskStatus.of(state, message),
                metadata));
    }

    /** Cards of the flows served as agents of their own. */
    public AgentCard flowCard(String name, String baseUrl) {
        Plan plan = flows.get(name).orElseThrow();
        OrchestrationCapability capability = new OrchestrationCapability(List.of(plan.strategy().wire()),
                List.of(plan.synthesis().wire()), new OrchestrationCapability.Limits(plan.agents().size(),
                plan.maxConcurrency(), plan.deadline().toMillis()), plan.agents());
        return new AgentCard(name, flows.description(name),
                List.of(io.omniforge.a2a.AgentInterface.jsonRpc(baseUrl + "/flows/" + name + "/a2a"),
                        io.omniforge.a2a.AgentInterface.httpJson(baseUrl + "/flows/" + name)),
                new io.omniforge.a2a.AgentProvider("OmniForge", baseUrl), version, null,
                new io.omniforge.a2a.AgentCapabilities(true, false, List.of(capability.toExtension(mapper, false)), false),
                authenticator.schemes(), authenticator.requirements(), List.of("text/plain", "application/json"), List.of("text/plain", "application/json"),
                List.of(AgentSkill.of("flow:" + name, name, flows.description(name), tags(plan), null)), null, null);
    }

    private List<String> tags(Plan plan) {
        List<String> tags = new ArrayList<>(List.of("flow", plan.strategy().wire()));
        Map<String, AgentCard> cards = registry.cachedCards(null);
        for (String agent : plan.agents()) {
            AgentCard card = cards.get(agent);
            if (card != null && card.skills() != null) {
                card.skills().forEach(s -> {
                    if (s.tags() != null) {
                        s.tags().stream().filter(t -> !tags.contains(t)).forEach(tags::add);
                    }
                });
            }
        }
        return tags;
    }
}
