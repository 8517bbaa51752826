package dev.vigil.server.evidence;

import java.time.Instant;
import java.util.UUID;

/**
 * One item in an incident's evidence locker.
 *
 * @param kind {@code file} (uploaded), {@code event} (a stored event) or {@code alert} (an alert's matched event)
 * @param sha256 hex SHA-256 of the stored bytes, computed by the server when the item was collected
 * @param integrity {@code intact}, {@code mismatch} (the stored bytes no longer have that hash) or {@code missing}
 * @param checkedAt the last integrity check
 */
public record EvidenceItem(
        UUID id,
        UUID incidentId,
        String kind,
        String name,
        String contentType,
        long size,
        String sha256,
        Long eventId,
        UUID alertId,
        String description,
        String integrity,
        Instant checkedAt,
        Instant createdAt,
        String createdBy) {}
