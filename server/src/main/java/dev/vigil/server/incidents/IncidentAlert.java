package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * An alert grouped into an incident. {@code duplicates} counts later alerts with the same rule and entities that were
 * counted here instead of being listed again; {@code originIncident} is where it first landed (merges and splits
 * move alerts, never lose that).
 */
public record IncidentAlert(
        UUID alertId,
        UUID incidentId,
        UUID originIncident,
        String ruleId,
        String ruleTitle,
        String level,
        int duplicates,
        Instant lastSeenAt,
        Instant addedAt,
        String addedBy) {}
