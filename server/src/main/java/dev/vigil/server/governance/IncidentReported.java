package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/** Published (durably) when a person reports an incident through the intake form. */
public record IncidentReported(
        UUID reportId, UUID alertId, String title, String severity, String reporter, Instant createdAt) {}
