package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A JWS signature over an agent card. */
public record AgentCardSignature(
        @JsonProperty("protected") String protectedHeader,
        String signature,
        Map<String, Object> header) {

    public AgentCardSignature {
        header = A2aJson.copy(header);
    }
}
