package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The life cycle of an incident. {@link #allows} is the transition table every change goes through: an incident is
 * acknowledged, contained, resolved and closed in that order (steps may be skipped forwards, e.g. a false positive is
 * resolved straight from {@link #NEW}); a resolved or closed incident can be reopened to {@link #ACKNOWLEDGED}; a
 * merged incident is final (its alerts live on in the incident it was merged into).
 */
public enum IncidentStatus {
    NEW("new"),
    ACKNOWLEDGED("acknowledged"),
    CONTAINED("contained"),
    RESOLVED("resolved"),
    CLOSED("closed"),
    MERGED("merged");

    private final String id;

    IncidentStatus(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Whether the incident is still being worked (alerts may join it). */
    public boolean open() {
        return this != CLOSED && this != MERGED;
    }

    /** Whether {@code to} may follow this status. */
    public boolean allows(IncidentStatus to) {
        return next().contains(to);
    }

    public Set<IncidentStatus> next() {
        return switch (this) {
            case NEW -> EnumSet.of(ACKNOWLEDGED, CONTAINED, RESOLVED, MERGED);
            case ACKNOWLEDGED -> EnumSet.of(CONTAINED, RESOLVED, MERGED);
            case CONTAINED -> EnumSet.of(RESOLVED, MERGED);
            case RESOLVED -> EnumSet.of(CLOSED, ACKNOWLEDGED);
            case CLOSED -> EnumSet.of(ACKNOWLEDGED);
            case MERGED -> EnumSet.noneOf(IncidentStatus.class);
        };
    }

    @JsonCreator
    public static IncidentStatus parse(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (IncidentStatus s : values()) {
                if (s.id.equals(v)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown status '" + value + "' (expected new, acknowledged, contained, resolved, closed or merged)");
    }
}
