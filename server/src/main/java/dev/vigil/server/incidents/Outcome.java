package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an incident turned out to be (required before closing). */
public enum Outcome {
    TRUE_POSITIVE_WITH_IMPACT("true-positive-with-impact"),
    TRUE_POSITIVE_WITHOUT_IMPACT("true-positive-without-impact"),
    FALSE_POSITIVE("false-positive"),
    BENIGN("benign"),
    UNDETERMINED("undetermined");

    private final String id;

    Outcome(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Outcome parse(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Outcome x : values()) {
                if (x.id.equals(v)) {
                    return x;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown outcome '" + value
                        + "' (expected true-positive-with-impact, true-positive-without-impact, false-positive, benign, undetermined)");
    }
}
