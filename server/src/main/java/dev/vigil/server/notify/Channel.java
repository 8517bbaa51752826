package dev.vigil.server.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * A contact point. {@code address} is shown masked for types whose URL carries a secret (chat webhooks); the
 * webhook signing secret is never shown.
 *
 * @param userId the person it belongs to, or null for a shared channel (a team's chat room)
 */
public record Channel(
        UUID id,
        UUID userId,
        String name,
        String type,
        String address,
        boolean hasSecret,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {}
