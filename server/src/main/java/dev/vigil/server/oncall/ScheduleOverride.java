package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.UUID;

/**
 * A change to a schedule for a period. An {@code override} puts {@code userId} on call, whoever the layers say; a
 * {@code swap} gives the shifts of {@code replaces} in the period to {@code userId} (a two-way swap is two swaps).
 */
public record ScheduleOverride(
        UUID id,
        UUID scheduleId,
        Kind kind,
        UUID userId,
        UUID replaces,
        Instant start,
        Instant end,
        String reason,
        Instant createdAt,
        String createdBy) {
    public enum Kind {
        OVERRIDE,
        SWAP;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown kind '" + s + "' (expected override or swap)");
            }
        }
    }

    public boolean covers(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}
