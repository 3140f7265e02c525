package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;
import io.omniforge.agent.AgentRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The named flows of {@code omniforge.flows.*}, resolved into plans once at start-up. A flow may name another flow
 * as one of its agents; a cycle among flows is refused at start-up with the cycle spelled out.
 */
@ApplicationScoped
public class FlowRegistry {

    private final Map<String, Plan> plans;
    private final Map<String, String> descriptions;

    public FlowRegistry(FlowsConfig flows, OrchestrationConfig defaults) {
        Map<String, Plan> p = new LinkedHashMap<>();
        Map<String, String> d = new LinkedHashMap<>();
        flows.flows().forEach((name, flow) -> {
            String field = "omniforge.flows." + name;
            if (!AgentRegistryNames.valid(name)) {
                throw new IllegalStateException(field + ": a flow name must be lower case letters, digits, '.', '_' or '-'");
            }
            Plan plan;
            try {
                Strategy strategy = Strategy.parse(flow.strategy(), field + ".strategy");
                plan = new Plan(name, strategy, flow.agents(),
                        flow.quorum().orElse(strategy == Strategy.QUORUM ? flow.agents().size() / 2 + 1 : null),
                        Synthesis.parse(flow.synthesis().orElse(defaults.synthesis()), field + ".synthesis"),
                        flow.synthesizer().orElse(null),
                        FailurePolicy.parse(flow.policy().orElse(defaults.policy()), field + ".policy"),
                        flow.deadline().orElse(defaults.deadline()), flow.agentTimeout().orElse(defaults.agentTimeout()),
                        flow.maxConcurrency().orElse(defaults.maxConcurrency()), flow.routes());
            } catch (A2aException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            p.put(name, plan);
            d.put(name, flow.description().orElse(strategy(plan) + " over " + String.join(", ", plan.agents())));
        });
        this.plans = Collections.unmodifiableMap(p);
        this.descriptions = Collections.unmodifiableMap(d);
        rejectCycles();
    }

    private static String strategy(Plan plan) {
        String s = plan.strategy().wire();
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public Map<String, Plan> all() {
        return plans;
    }

    public Optional<Plan> get(String name) {
        return Optional.ofNullable(plans.get(name));
    }

    public String description(String name) {
        return descriptions.getOrDefault(name, name);
    }

    /**
     * Checks every flow's agents against the registry once it knows its agents; a flow naming an agent that does not
     * exist (yet: it may be registered at run time) is reported, and refused with -32602 when it is used.
     *
     * @return the problems found, one line per flow
     */
    public List<String> check(AgentRegistry registry, int maxAgents) {
        List<String> problems = new ArrayList<>();
        plans.forEach((name, plan) -> {
            try {
                plan.validate(a -> registry.exists(a) || plans.containsKey(a), maxAgents, "omniforge.flows." + name);
            } catch (A2aException e) {
                problems.add(e.getMessage());
            }
        });
        return problems;
    }

    private void rejectCycles() {
        Set<String> done = new HashSet<>();
        for (String start : plans.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            visit(start, path, new HashSet<>(), done);
        }
    }

    private void visit(String flow, Deque<String> path, Set<String> onPath, Set<String> done) {
        if (onPath.contains(flow)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String f : path) {
                in |= f.equals(flow);
                if (in) {
                    cycle.add(f);
                }
            }
            cycle.add(flow);
            throw new IllegalStateException("omniforge.flows: flows call each other in a cycle: " + String.join(" -> ", cycle));
        }
        if (done.contains(flow) || !plans.containsKey(flow)) {
            return;
        }
        path.addLast(flow);
        onPath.add(flow);
        Plan plan = plans.get(flow);
        List<String> next = new ArrayList<>(plan.agents());
        if (plan.synthesizer() != null) {
            next.add(plan.synthesizer());
        }
        for (String agent : next) {
            visit(agent, path, onPath, done);
        }
        onPath.remove(flow);
        path.removeLast();
        done.add(flow);
    }

    /** The same naming rule as the agent registry's. */
    static final class AgentRegistryNames {
        static boolean valid(String name) {
            return name.matches("[a-z0-9][a-z0-9._-]{0,63}");
        }
    }
}
