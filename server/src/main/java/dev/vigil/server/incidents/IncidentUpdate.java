package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A change to an incident's attributes; null fields stay as they are (send an empty list to clear a list). Status
 * changes go through {@link IncidentService#transition}. Moving the phase backwards needs a {@code reason}.
 * {@code milestones} are merged into the existing ones (a null value removes one).
 */
public record IncidentUpdate(
        String title,
        String description,
        IncidentSeverity severity,
        Integer priority,
        Phase phase,
        Outcome outcome,
        Classification classification,
        String owningTeam,
        String lead,
        List<String> assignees,
        List<String> applications,
        List<String> assets,
        List<String> techniques,
        List<String> dataTypes,
        List<String> jurisdictions,
        String escalationPolicy,
        Instant occurredAt,
        Instant reportedAt,
        Map<String, Instant> milestones,
        String bridgeUrl,
        String chatUrl,
        String reason) {

    public static IncidentUpdate empty() {
        return new IncidentUpdate(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }
}
