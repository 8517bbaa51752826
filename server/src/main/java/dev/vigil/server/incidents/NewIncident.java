package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;

/**
 * A manually reported incident (a phone call, an e-mail from a customer, a finding in a hunt). Nulls take the
 * defaults: severity medium, priority 3, classification {@code other/undetermined}, detected now.
 */
public record NewIncident(
        String title,
        String description,
        IncidentSeverity severity,
        Integer priority,
        Classification classification,
        String owningTeam,
        String lead,
        List<String> applications,
        List<String> assets,
        Instant occurredAt,
        Instant detectedAt,
        Instant reportedAt,
        String playbook) {}
