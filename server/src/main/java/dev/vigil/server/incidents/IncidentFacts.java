package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * The measurable facts of one incident, for metrics (MTTD = detected - occurred, MTTA = acknowledged - detected,
 * MTTC = contained - detected, MTTR = resolved - detected), RCA completion, deadline compliance and playbook coverage.
 *
 * @param rca {@code completed}, {@code waived}, {@code missing} (required but not done) or {@code not-required}
 * @param stagesDue notification stages with a deadline; {@code stagesOnTime} submitted by it, {@code stagesLate}
 *     submitted after it, {@code stagesOverdue} open past it
 */
public record IncidentFacts(
        UUID id,
        String reference,
        IncidentSeverity severity,
        int priority,
        IncidentStatus status,
        Outcome outcome,
        String firstClassification,
        String finalClassification,
        String playbook,
        Instant occurredAt,
        Instant detectedAt,
        Instant acknowledgedAt,
        Instant containedAt,
        Instant resolvedAt,
        Instant closedAt,
        String rca,
        int stagesDue,
        int stagesOnTime,
        int stagesLate,
        int stagesOverdue) {}
