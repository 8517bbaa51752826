package dev.vigil.server.oncall;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * An on-call schedule: layers of rotations in one time zone, plus overrides, swaps and leave (stored separately).
 *
 * @param teamId the owning team (its holiday calendar applies to layers that skip holidays), or null
 * @param fallbackUserId who is paged when nobody is on call (a gap), or null for the team's fallback
 */
public record Schedule(
        UUID id,
        String name,
        String description,
        ZoneId timeZone,
        UUID teamId,
        UUID fallbackUserId,
        List<Layer> layers,
        Instant createdAt,
        Instant updatedAt) {
    public Schedule {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
