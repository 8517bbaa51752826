package dev.vigil.server.alerts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Sigma rule levels, ordered by severity. */
public enum AlertLevel {
    INFORMATIONAL,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level of a Sigma {@code level} value; a missing or unknown level counts as {@link #LOW}. */
    public static AlertLevel fromSigma(String level) {
        if (level == null) {
            return LOW;
        }
        return switch (level.trim().toLowerCase(Locale.ROOT)) {
            case "informational", "info" -> INFORMATIONAL;
            case "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high" -> HIGH;
            case "critical" -> CRITICAL;
            default -> LOW;
        };
    }

    public static AlertLevel parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown level '" + value + "' (expected informational, low, medium, high or critical)");
        }
    }
}
