package dev.vigil.server.incidents;

import dev.vigil.server.alerts.AlertQuery;
import java.time.Instant;

/**
 * Filters for listing incidents; null means "any". {@code open} true: not closed or merged. {@code text} searches
 * title, description and reference. {@code deadline} filters incidents with a notification stage in that state
 * ({@code at_risk}, {@code overdue}). {@code exercises}: production incidents only, those opened by replay exercises
 * only, or both (the alert list's filter, {@link AlertQuery.Exercises}; null means both).
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
        Instant to,
        AlertQuery.Exercises exercises) {

    public IncidentQuery {
        if (exercises == null) {
            exercises = AlertQuery.Exercises.ALL;
        }
    }

    /** The same filters with another exercise filter. */
    public IncidentQuery withExercises(AlertQuery.Exercises e) {
        return new IncidentQuery(
                open, status, minSeverity, maxPriority, classKey, team, lead, application, text, deadline, from, to, e);
    }

    public static IncidentQuery all() {
        return new IncidentQuery(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
