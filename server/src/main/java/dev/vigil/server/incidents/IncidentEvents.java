package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Application events of the incident module, published in the transaction that makes the change (Spring Modulith
 * keeps them until every listener handled them). Webhooks relay them as {@code incident.created},
 * {@code incident.updated}, {@code incident.status_changed}, {@code incident.closed},
 * {@code incident.deadline_at_risk}, {@code incident.deadline_missed}, {@code incident.submission_recorded}; on-call
 * starts and stops paging from them; governance counts them.
 */
public final class IncidentEvents {
    private IncidentEvents() {}

    public record IncidentCreated(
            UUID incidentId,
            String reference,
            String title,
            IncidentSeverity severity,
            int priority,
            String classification,
            String owningTeam,
            String escalationPolicy,
            String source,
            Instant at) {}

    /** Attributes changed ({@code fields} names them). */
    public record IncidentUpdated(UUID incidentId, String reference, List<String> fields, String actor, Instant at) {}

    public record IncidentStatusChanged(
            UUID incidentId,
            String reference,
            IncidentStatus from,
            IncidentStatus to,
            String actor,
            String note,
            Instant at) {}

    public record IncidentClosed(
            UUID incidentId, String reference, Outcome outcome, String finalClassification, String actor, Instant at) {}

    /** Alerts joined an existing incident ({@code duplicate}: counted on an alert already there). */
    public record AlertGrouped(UUID incidentId, UUID alertId, boolean duplicate, Instant at) {}

    /** A notification deadline is near ({@code dueAt} minus the warning lead time has passed) and nothing was sent. */
    public record DeadlineAtRisk(
            UUID incidentId,
            String reference,
            UUID stageId,
            String obligation,
            String stage,
            Instant dueAt,
            Instant at) {}

    public record DeadlineMissed(
            UUID incidentId,
            String reference,
            UUID stageId,
            String obligation,
            String stage,
            Instant dueAt,
            Instant at) {}

    public record SubmissionRecorded(
            UUID incidentId,
            String reference,
            UUID stageId,
            String obligation,
            String stage,
            Instant submittedAt,
            boolean late,
            Instant at) {}
}
