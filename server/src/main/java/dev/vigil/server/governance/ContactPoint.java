package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/**
 * A published way to report a security incident (SAMM IM1-A: "a contact point for the creation of security
 * incidents").
 *
 * @param kind {@code email}, {@code phone}, {@code url}, {@code chat}, {@code form} or {@code other}
 * @param singlePoint the single point of contact for the incident process (at most one)
 */
public record ContactPoint(
        UUID id,
        String name,
        String kind,
        String value,
        String description,
        boolean singlePoint,
        Instant createdAt,
        Instant updatedAt) {}
