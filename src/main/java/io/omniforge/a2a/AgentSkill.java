package io.omniforge.a2a;

import java.util.List;

/** Something an agent can do. */
public record AgentSkill(
        String id,
        String name,
        String description,
        List<String> tags,
        List<String> examples,
        List<String> inputModes,
        List<String> outputModes,
        List<SecurityRequirement> securityRequirements) {

    public AgentSkill {
        tags = A2aJson.copy(tags);
        examples = A2aJson.copy(examples);
        inputModes = A2aJson.copy(inputModes);
        outputModes = A2aJson.copy(outputModes);
        securityRequirements = A2aJson.copy(securityRequirements);
    }

    public static AgentSkill of(String id, String name, String description, List<String> tags, List<String> examples) {
        return new AgentSkill(id, name, description, tags, examples, null, null, null);
    }
}
