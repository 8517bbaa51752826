package dev.vigil.server.oncall;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How urgent a page is. {@link #CRITICAL} pages use each person's <em>important</em> notification rules. */
public enum Severity {
    INFO,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("severity is required");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "info", "informational" -> INFO;
            case "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high" -> HIGH;
            case "critical" -> CRITICAL;
            default ->
                throw new IllegalArgumentException(
                        "unknown severity '" + value + "' (expected info, low, medium, high or critical)");
        };
    }
}
