package dev.vigil.server.inventory;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How much an application matters to the business; drives triage and paging later. */
public enum Criticality {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Criticality parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown criticality '" + value + "' (expected low, medium, high or critical)");
        }
    }
}
