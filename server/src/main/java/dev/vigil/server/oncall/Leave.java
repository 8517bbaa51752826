package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.UUID;

/** A period in which a person is unavailable: their layer shifts fall through to lower layers (or a gap). */
public record Leave(UUID id, UUID userId, Instant start, Instant end, String reason, Instant createdAt) {
    public boolean covers(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}
