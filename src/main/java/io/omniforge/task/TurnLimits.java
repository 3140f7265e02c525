package io.omniforge.task;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.agent.AgentsConfig;
import io.omniforge.orchestration.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;

/**
 * How long the one agent of a task may work on one turn of it (from a message until the task is final or waits for
 * input) before the gateway ends the turn as FAILED and cancels the task at the agent: the agent's
 * {@code omniforge.agents.<name>.max-task-duration}, else {@code omniforge.gateway.max-task-duration}; a request may
 * ask for less with {@code maxDuration} in the orchestration extension's metadata, never for more.
 */
@ApplicationScoped
public class TurnLimits {

    /** The limit of one turn, and the key (or field) that set it, for the message that ends it. */
    public record Limit(Duration max, String setBy) {
    }

    private final GatewayConfig gateway;
    private final AgentsConfig agents;

    public TurnLimits(GatewayConfig gateway, AgentsConfig agents) {
        this.gateway = gateway;
        this.agents = agents;
    }

    /** The agent's limit (its own, else the gateway's). */
    public Limit of(String agent) {
        AgentsConfig.Declared declared = agents.declared().get(agent);
        if (declared != null && declared.maxTaskDuration().isPresent()) {
            return new Limit(declared.maxTaskDuration().get(), "omniforge.agents." + agent + ".max-task-duration");
        }
        return new Limit(gateway.maxTaskDuration(), "omniforge.gateway.max-task-duration");
    }

    /**
     * The limit of a turn the client asked for in {@code metadata}, within the agent's.
     *
     * @throws A2aException -32602 for a {@code maxDuration} that is not a positive duration or is above the agent's
     */
    public Limit of(String agent, Map<String, Object> metadata) {
        Limit configured = of(agent);
        Object entry = metadata == null ? null : metadata.get(OrchestrationCapability.URI);
        if (!(entry instanceof Map<?, ?> spec) || spec.get("maxDuration") == null) {
            return configured;
        }
        String field = "metadata[" + OrchestrationCapability.URI + "].maxDuration";
        Duration asked = Plan.duration(spec, "maxDuration", configured.max(), "metadata[" + OrchestrationCapability.URI + "]");
        if (asked.isNegative() || asked.isZero()) {
            throw A2aException.invalidParams(field + " must be a positive duration such as \"30s\" or 30000 (ms)");
        }
        if (asked.compareTo(configured.max()) > 0) {
            throw A2aException.invalidParams(field + " is " + asked + " but agent '" + agent + "' allows at most "
                    + configured.max() + " (" + configured.setBy() + ")");
        }
        return new Limit(asked, field);
    }
}
