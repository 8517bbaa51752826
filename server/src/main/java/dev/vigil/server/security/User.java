package dev.vigil.server.security;

import dev.vigil.server.platform.access.Role;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A person who signs in (never with the password hash).
 *
 * @param localPassword whether the user has a local password (else signs in through single sign-on only)
 * @param sso the single sign-on issuer the user was provisioned from, or null
 * @param lockedUntil set while the account is locked after repeated failed sign-ins
 * @param teams names of the user's teams
 */
public record User(
        UUID id,
        String username,
        String displayName,
        String email,
        Set<Role> roles,
        boolean enabled,
        boolean localPassword,
        String sso,
        Instant lockedUntil,
        List<String> teams,
        Instant createdAt,
        Instant updatedAt,
        Instant lastSignInAt) {

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
