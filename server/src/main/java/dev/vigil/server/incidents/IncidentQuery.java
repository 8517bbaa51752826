package dev.vigil.server.incidents;

import java.time.Instant;

/**
 * Filters for listing incidents; null means "any". {@code open} true: not closed or merged. {@code text} searches
 * title, description and reference. {@code deadline} filters incidents with a notification stage in that state
 * ({@code at_risk}, {@code overdue}).
 */
public record IncidentQuery(
        Boolean open,
        IncidentStatus status,
        IncidentSeverity minSeverity,
        Integer maxPriority,
        String classKey,
        String team,
        String lead,
        String application,
        String text,
        String deadline,
        Instant from,
        Instant to) {

    public static IncidentQuery all() {
        return new IncidentQuery(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
