package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/**
 * A security incident reported by a person through the intake form. Each report raises an alert (rule
 * {@value #RULE_ID}, source {@value #SOURCE}) so it flows through triage, incidents and paging like a detection.
 *
 * @param severity an alert level ({@code low} ... {@code critical})
 * @param reporter the signed-in user who reported it
 * @param contact how to reach the reporter (optional)
 * @param alertId the alert raised for the report
 */
public record IncidentReport(
        UUID id,
        String title,
        String description,
        String severity,
        String application,
        Instant occurredAt,
        String reporter,
        String contact,
        UUID alertId,
        Instant createdAt) {
    public static final String RULE_ID = "vigil-manual-report";
    public static final String SOURCE = "manual-report";
}
