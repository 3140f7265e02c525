package io.omniforge.handoff;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The life of a handoff: {@code initiated -> accepted -> active -> completed | returned | rejected | failed}. */
public enum HandoffState {
    INITIATED, ACCEPTED, ACTIVE, COMPLETED, RETURNED, REJECTED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static HandoffState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Still on its way: caught here by a crash, it is rolled back at start-up. */
    public boolean inFlight() {
        return this == INITIATED || this == ACCEPTED;
    }

    public boolean isFinal() {
        return this == COMPLETED || this == RETURNED || this == REJECTED || this == FAILED;
    }
}
