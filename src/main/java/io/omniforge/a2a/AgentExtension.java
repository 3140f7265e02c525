package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.Map;

/**
 * A protocol extension an agent supports; {@code params} is the extension's own configuration.
 *
 * <p>{@code isRequired()} is a convenience, not a property: is-getters are not auto-detected, else Jackson
 * would write {@code "required": false} where the field is absent.
 */
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public record AgentExtension(String uri, String description, Boolean required, Map<String, Object> params) {

    public AgentExtension {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("an extension needs a uri");
        }
        params = A2aJson.copy(params);
    }

    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }
}
