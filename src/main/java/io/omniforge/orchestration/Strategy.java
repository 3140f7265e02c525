package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an orchestration uses its agents. */
public enum Strategy {
    /** Every agent at once; all results are synthesized. */
    PARALLEL,
    /** One after the other; each agent gets the previous one's output as its input. */
    SEQUENTIAL,
    /** Every agent at once; the first successful answer wins and the others are canceled. */
    RACE,
    /** Every agent at once; done as soon as {@code quorum} of them succeeded, the others are canceled. */
    QUORUM,
    /** One agent, chosen by the skill tags of the agents' cards or by a rule on the message. */
    ROUTE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Strategy parse(String value, String field) {
        for (Strategy s : values()) {
            if (s.wire().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw A2aException.invalidParams(field + ": unknown strategy '" + value + "'; one of "
                + Arrays.stream(values()).map(Strategy::wire).collect(Collectors.joining(", ")));
    }
}
