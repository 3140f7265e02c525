package io.omniforge.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.AgentCapabilities;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.AgentProvider;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.orchestration.OrchestrationManager;
import io.omniforge.orchestration.Strategy;
import io.omniforge.security.Authenticator;
import io.omniforge.service.ServedAt;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The orchestrator's own agent card: a skill per agent behind it (their cards' descriptions, tags and examples) and
 * per flow, the orchestration extension with its strategies, syntheses and limits, and the security schemes.
 */
@ApplicationScoped
class GatewayCard {

    private final AgentRegistry registry;
    private final OrchestrationManager orchestration;
    private final GatewayConfig config;
    private final Authenticator authenticator;
    private final ObjectMapper mapper;

    GatewayCard(AgentRegistry registry, OrchestrationManager orchestration, GatewayConfig config,
            Authenticator authenticator, ObjectMapper mapper) {
        this.registry = registry;
        this.orchestration = orchestration;
        this.config = config;
        this.authenticator = authenticator;
        this.mapper = mapper;
    }

    /** The card as served at {@code at}. */
    AgentCard of(ServedAt at) {
        String baseUrl = at.baseUrl();
        List<AgentSkill> skills = new ArrayList<>();
        registry.list().stream().filter(a -> a.source() != io.omniforge.agent.AgentInfo.Source.FLOW).forEach(agent -> {
            List<String> tags = new ArrayList<>();
            String description = "Routes the conversation to agent '" + agent.name() + "'";
            if (agent.card() != null) {
                description = agent.card().description() != null ? agent.card().description() : description;
                if (agent.card().skills() != null) {
                    agent.card().skills().forEach(s -> {
                        if (s.tags() != null) {
                            s.tags().stream().filter(t -> !tags.contains(t)).forEach(tags::add);
                        }
                    });
                }
            }
            List<String> examples = new ArrayList<>();
            if (agent.card() != null && agent.card().skills() != null) {
                agent.card().skills().forEach(sk -> {
                    if (sk.examples() != null) {
                        examples.addAll(sk.examples());
                    }
                });
            }
            skills.add(new AgentSkill("agent:" + agent.name(), agent.name(), description + " (select it with message"
                    + " metadata {\"" + OrchestrationCapability.URI + "\": {\"agent\": \"" + agent.name() + "\"}})",
                    tags, examples.isEmpty() ? null : examples, null, null, null));
        });
        orchestration.flows().all().forEach((name, plan) -> skills.add(orchestration.flowCard(name, baseUrl).skills().get(0)));
        OrchestrationCapability capability = new OrchestrationCapability(
                java.util.Arrays.stream(Strategy.values()).map(Strategy::wire).toList(),
                java.util.Arrays.stream(io.omniforge.orchestration.Synthesis.values())
                        .map(io.omniforge.orchestration.Synthesis::wire).toList(),
                new OrchestrationCapability.Limits(orchestration.maxAgents(), null, null),
                registry.list().stream().map(a -> a.name()).toList());
        return new AgentCard(config.name(), config.description(),
                List.of(AgentInterface.jsonRpc(at.jsonRpcUrl()), AgentInterface.httpJson(at.httpJsonUrl())),
                new AgentProvider("OmniForge", baseUrl),
                config.version(), null,
                new AgentCapabilities(true, false, List.of(capability.toExtension(mapper, false)), false),
                authenticator.schemes(), authenticator.requirements(),
                List.of("text/plain", "application/json"), List.of("text/plain", "application/json"),
                skills, null, null);
    }
}
