package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Who does what for one activity of one incident type (RACI). Names are user names or team names.
 *
 * @param incidentType an incident class (e.g. an RSIT class such as {@code intrusions}) or {@code default} for every
 *     type without its own assignment
 * @param activity e.g. {@code triage}, {@code containment}, {@code communication}, {@code rca}
 * @param accountable exactly one accountable person or team: the single point of contact for the activity
 */
public record RaciAssignment(
        UUID id,
        String incidentType,
        String activity,
        List<String> responsible,
        String accountable,
        List<String> consulted,
        List<String> informed,
        Instant updatedAt) {}
