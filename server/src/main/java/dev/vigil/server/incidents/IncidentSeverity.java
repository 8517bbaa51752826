package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How bad an incident is; ordered from least to most severe. */
public enum IncidentSeverity {
    LOW("low"),
    MEDIUM("medium"),
    HIGH("high"),
    CRITICAL("critical");

    private final String id;

    IncidentSeverity(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static IncidentSeverity parse(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (IncidentSeverity x : values()) {
                if (x.id.equals(v)) {
                    return x;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown incidentSeverity '" + value + "' (expected low, medium, high, critical)");
    }
}
