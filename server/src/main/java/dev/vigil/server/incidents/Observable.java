package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * An observable of an incident (IP, domain, URL, hash, e-mail, user, host, file, ...); {@code ioc} marks it as an
 * indicator of compromise worth sharing and blocking.
 */
public record Observable(
        UUID id,
        UUID incidentId,
        String kind,
        String value,
        String description,
        boolean ioc,
        Instant createdAt,
        String createdBy) {}
