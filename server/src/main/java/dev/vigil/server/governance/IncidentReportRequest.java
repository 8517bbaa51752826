package dev.vigil.server.governance;

import java.time.Instant;

/** What the intake form sends; {@code severity} defaults to {@code medium}. */
public record IncidentReportRequest(
        String title, String description, String severity, String application, Instant occurredAt, String contact) {}
