package dev.vigil.server.oncall;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Someone who can be on call. {@code userId} is the platform user's id (issue 6); until the platform's user
 * directory is on main, name and e-mail are kept here.
 */
public record Person(UUID userId, String name, String email, ZoneId timeZone, Instant createdAt, Instant updatedAt) {}
