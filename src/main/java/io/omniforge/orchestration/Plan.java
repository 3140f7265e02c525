package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One orchestration, fully resolved: the strategy, its agents in order, how the results are synthesized, the
 * failure policy, the time limits and the concurrency cap. Persisted with the task (as JSON) so a paused
 * pipeline can be resumed after a restart.
 */
public record Plan(
        String flow,
        Strategy strategy,
        List<String> agents,
        Integer quorum,
        Synthesis synthesis,
        String synthesizer,
        FailurePolicy policy,
        Duration deadline,
        Duration agentTimeout,
        int maxConcurrency,
        Map<String, String> routes) {

    public Plan {
        agents = agents == null ? List.of() : List.copyOf(agents);
        routes = routes == null ? Map.of() : Map.copyOf(routes);
    }

    /** How many successes this plan needs: the quorum, one for a race, all for the others. */
    public int needed() {
        return switch (strategy) {
            case QUORUM -> quorum;
            case RACE, ROUTE -> 1;
            default -> agents.size();
        };
    }

    /** A label for records and metrics: the flow's name, or the strategy of an ad hoc orchestration. */
    public String label() {
        return flow != null ? "flow:" + flow : "orchestration:" + strategy.wire();
    }

    /**
     * Checks the plan against the agents that exist.
     *
     * @param field where the plan came from, for the error messages (e.g. {@code metadata[urn:...]})
     * @throws A2aException -32602 naming the field that is wrong
     */
    public Plan validate(Predicate<String> agentExists, int maxAgents, String field) {
        if (agents.isEmpty()) {
            throw A2aException.invalidParams(field + ".agents must name at least one agent");
        }
        if (agents.size() > maxAgents) {
            throw A2aException.invalidParams(field + ".agents names " + agents.size()
                    + " agents; at most " + maxAgents + " (omniforge.orchestration.max-agents)");
        }
        for (String agent : agents) {
            if (agent == null || !agentExists.test(agent)) {
                throw A2aException.invalidParams(field + ".agents: unknown agent '" + agent + "'");
            }
        }
        if (strategy == Strategy.QUORUM && (quorum == null || quorum < 1 || quorum > agents.size())) {
            throw A2aException.invalidParams(field + ".quorum must be between 1 and the " + agents.size()
                    + " agents, got " + quorum);
        }
        if (strategy != Strategy.QUORUM && quorum != null) {
            throw A2aException.invalidParams(field + ".quorum only applies to the quorum strategy");
        }
        if (synthesis == Synthesis.DELEGATE) {
            if (synthesizer == null || !agentExists.test(synthesizer)) {
                throw A2aException.invalidParams(field + ".synthesizer: synthesis 'delegate' needs a known agent, got "
                        + (synthesizer == null ? "none" : "'" + synthesizer + "'"));
            }
        }
        if (maxConcurrency < 1) {
            throw A2aException.invalidParams(field + ".maxConcurrency must be at least 1, got " + maxConcurrency);
        }
        if (deadline.isNegative() || deadline.isZero() || agentTimeout.isNegative() || agentTimeout.isZero()) {
            throw A2aException.invalidParams(field + ": deadline and agentTimeout must be positive");
        }
        for (Map.Entry<String, String> route : routes.entrySet()) {
            if (!agents.contains(route.getKey())) {
                throw A2aException.invalidParams(field + ".routes: '" + route.getKey() + "' is not one of the agents");
            }
            try {
                Pattern.compile(route.getValue());
            } catch (PatternSyntaxException e) {
                throw A2aException.invalidParams(field + ".routes." + route.getKey() + " is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return this;
    }

    /** Reads an ad hoc plan from the orchestration extension's metadata object, with defaults for what it leaves out. */
    static Plan fromMetadata(Map<?, ?> spec, OrchestrationConfig defaults, String field) {
        Strategy strategy = Strategy.parse(string(spec, "strategy", field), field + ".strategy");
        Object rawAgents = spec.get("agents");
        if (!(rawAgents instanceof List<?> list)) {
            throw A2aException.invalidParams(field + ".agents must be a list of agent names");
        }
        List<String> agents = new ArrayList<>();
        for (Object a : list) {
            if (!(a instanceof String name)) {
                throw A2aException.invalidParams(field + ".agents must be a list of agent names, found " + a);
            }
            agents.add(name);
        }
        Map<String, String> routes = new LinkedHashMap<>();
        if (spec.get("routes") instanceof Map<?, ?> r) {
            r.forEach((k, v) -> routes.put(String.valueOf(k), String.valueOf(v)));
        } else if (spec.get("routes") != null) {
            throw A2aException.invalidParams(field + ".routes must be an object of agent name to regular expression");
        }
        return new Plan(null, strategy, agents, integer(spec, "quorum", field),
                Synthesis.parse(orDefault(spec, "synthesis", defaults.synthesis(), field), field + ".synthesis"),
                (String) (spec.get("synthesizer") instanceof String s ? s : null),
                FailurePolicy.parse(orDefault(spec, "policy", defaults.policy(), field), field + ".policy"),
                duration(spec, "deadline", defaults.deadline(), field),
                duration(spec, "agentTimeout", defaults.agentTimeout(), field),
                Math.min(defaults.maxConcurrency(), integer(spec, "maxConcurrency", field) == null
                        ? defaults.maxConcurrency() : integer(spec, "maxConcurrency", field)),
                routes);
    }

    private static String string(Map<?, ?> spec, String key, String field) {
        Object v = spec.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw A2aException.invalidParams(field + "." + key + " is required");
        }
        return s;
    }

    private static String orDefault(Map<?, ?> spec, String key, String fallback, String field) {
        Object v = spec.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw A2aException.invalidParams(field + "." + key + " must be a string");
        }
        return s;
    }

    private static Integer integer(Map<?, ?> spec, String key, String field) {
        Object v = spec.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw A2aException.invalidParams(field + "." + key + " must be an integer, got " + v);
    }

    /** A number of milliseconds, or a duration such as {@code "30s"}, {@code "500ms"}, {@code "2m"}, {@code "PT30S"}. */
    public static Duration duration(Map<?, ?> spec, String key, Duration fallback, String field) {
        Object v = spec.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return Duration.ofMillis(n.longValue());
        }
        String s = String.valueOf(v).trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(s);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
        } catch (RuntimeException e) {
            // falls through to the error below
        }
        throw A2aException.invalidParams(field + "." + key + " must be milliseconds or a duration like 30s, got '" + s + "'");
    }
}
