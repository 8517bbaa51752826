package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/**
 * Someone was trained on a process.
 *
 * @param person user name
 * @param processKey the process trained on
 * @param expiresAt when the training must be repeated, or null when it does not expire
 * @param evidence a certificate reference, attendance list, link, ...
 */
public record TrainingRecord(
        UUID id,
        String person,
        String processKey,
        String course,
        Instant completedAt,
        Instant expiresAt,
        String evidence,
        Instant createdAt) {

    public boolean validAt(Instant t) {
        return !completedAt.isAfter(t) && (expiresAt == null || expiresAt.isAfter(t));
    }
}
