package io.omniforge.a2a;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An agent's self-description: who it is, where it listens, what it can do and how to authenticate. */
public record AgentCard(
        String name,
        String description,
        List<AgentInterface> supportedInterfaces,
        AgentProvider provider,
        String version,
        String documentationUrl,
        AgentCapabilities capabilities,
        Map<String, SecurityScheme> securitySchemes,
        List<SecurityRequirement> securityRequirements,
        List<String> defaultInputModes,
        List<String> defaultOutputModes,
        List<AgentSkill> skills,
        List<AgentCardSignature> signatures,
        String iconUrl) {

    public AgentCard {
        supportedInterfaces = A2aJson.copy(supportedInterfaces);
        securitySchemes = A2aJson.copy(securitySchemes);
        securityRequirements = A2aJson.copy(securityRequirements);
        defaultInputModes = A2aJson.copy(defaultInputModes);
        defaultOutputModes = A2aJson.copy(defaultOutputModes);
        skills = A2aJson.copy(skills);
        signatures = A2aJson.copy(signatures);
    }

    /**
     * Checks what every card needs: a name. Whether the orchestrator can call the agent (it speaks one of the card's
     * interfaces) is the downstream client's question, see {@code agent.Binding}.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public AgentCard validate() {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent card has no name");
        }
        return this;
    }

    /** The first JSON-RPC interface that speaks A2A 1.x. */
    public Optional<AgentInterface> jsonRpcInterface() {
        if (supportedInterfaces == null) {
            return Optional.empty();
        }
        return supportedInterfaces.stream()
                .filter(i -> AgentInterface.JSONRPC.equalsIgnoreCase(i.protocolBinding()))
                .filter(i -> i.url() != null && !i.url().isBlank())
                .filter(i -> i.protocolVersion() == null || i.protocolVersion().startsWith("1."))
                .findFirst();
    }

    public boolean supportsStreaming() {
        return capabilities != null && Boolean.TRUE.equals(capabilities.streaming());
    }

    /** The declared extension with this URI, if any. */
    public Optional<AgentExtension> extension(String uri) {
        if (capabilities == null || capabilities.extensions() == null) {
            return Optional.empty();
        }
        return capabilities.extensions().stream().filter(e -> uri.equals(e.uri())).findFirst();
    }
}
