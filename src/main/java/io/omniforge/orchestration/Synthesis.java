package io.omniforge.orchestration;

import io.omniforge.a2a.A2aException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the results of several agents become one answer. */
public enum Synthesis {
    /** One labelled section per agent, in the plan's order (the default). */
    CONCAT,
    /** The first successful result to arrive. */
    FIRST,
    /** The collected results are sent to a synthesizer agent, whose answer is the result. */
    DELEGATE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Synthesis parse(String value, String field) {
        for (Synthesis s : values()) {
            if (s.wire().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw A2aException.invalidParams(field + ": unknown synthesis '" + value + "'; one of "
                + Arrays.stream(values()).map(Synthesis::wire).collect(Collectors.joining(", ")));
    }
}
