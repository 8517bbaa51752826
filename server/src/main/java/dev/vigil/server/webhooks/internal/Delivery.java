package dev.vigil.server.webhooks.internal;

import java.time.Instant;
import java.util.UUID;

/** One event's delivery to one subscription, with the outcome of its last attempt. */
record Delivery(
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
