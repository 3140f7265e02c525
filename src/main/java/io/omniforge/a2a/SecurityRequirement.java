package io.omniforge.a2a;

import java.util.List;
import java.util.Map;

/** Schemes that must all be satisfied, each with the scopes it needs. */
public record SecurityRequirement(Map<String, StringList> schemes) {

    public SecurityRequirement {
        schemes = A2aJson.copy(schemes);
    }

    /** A list of strings, wrapped as the protocol's JSON form has it. */
    public record StringList(List<String> list) {
        public StringList {
            list = A2aJson.copy(list);
        }
    }
}
