package dev.vigil.server.notify;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A delivery and its attempts. {@code status}: pending, sent, failed (for good) or cancelled. */
public record Delivery(
        UUID id,
        String correlation,
        UUID channelId,
        String channelType,
        UUID recipient,
        String kind,
        String status,
        int attempts,
        Instant notBefore,
        Instant createdAt,
        Instant finishedAt,
        String lastError,
        List<Attempt> attemptLog) {

    /** One try: {@code outcome} is delivered, transient or permanent. */
    public record Attempt(int attempt, Instant at, String outcome, String detail, long durationMs) {}
}
