package dev.vigil.server.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one subscription, with the outcome of its last attempt.
 *
 * @param status {@code pending} (waiting for its next attempt), {@code delivered} or {@code failed}
 * @param lastStatus the HTTP status of the last answer, or null (no answer: see {@code lastError})
 */
public record WebhookDelivery(
        UUID id,
        UUID subscriptionId,
        UUID eventId,
        String eventType,
        String status,
        int attempts,
        Instant nextAttemptAt,
        Instant lastAttemptAt,
        Integer lastStatus,
        String lastError,
        Integer responseMs,
        Instant deliveredAt,
        Instant createdAt) {}
