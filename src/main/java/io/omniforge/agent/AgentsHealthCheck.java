package io.omniforge.agent;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code agents}: the card state of every registered agent (READY, UNREACHABLE, INVALID, or
 * UNKNOWN before its first fetch) as data. It is always UP: an agent that is down fails the tasks sent to it, not
 * this instance, and taking every replica out of service because a remote agent is down would also stop GetTask,
 * the streams of running tasks and the other agents. It reads the registry's cached states only: no network call.
 */
@Readiness
@ApplicationScoped
public class AgentsHealthCheck implements HealthCheck {

    static final String NAME = "agents";

    private final AgentRegistry registry;

    public AgentsHealthCheck(AgentRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        registry.list().forEach(agent -> response.withData(agent.name(), agent.state().name()
                + ("CLOSED".equals(agent.breaker()) || agent.breaker() == null ? "" : ", breaker " + agent.breaker())));
        return response.build();
    }
}
