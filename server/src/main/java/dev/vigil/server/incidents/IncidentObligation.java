package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A notification obligation attached to an incident, with its stages.
 *
 * @param attachedBy {@code rule} when its conditions matched, else who attached it
 * @param status {@code open}, {@code done} (every stage submitted) or {@code not_required} (with a reason)
 */
public record IncidentObligation(
        UUID id,
        UUID incidentId,
        String templateKey,
        String name,
        String regulation,
        String stakeholder,
        String attachedBy,
        String status,
        String notRequiredReason,
        Instant createdAt,
        List<DeadlineStage> stages) {}
