package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.Role;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An API token as listed (never with its secret).
 *
 * @param kind {@code ingest}, {@code metrics}, {@code user} (a personal api token) or {@code integration}
 * @param userId the owner of a personal token, else null
 * @param roles the roles of an api token
 */
public record ApiTokenInfo(
        UUID id,
        String name,
        ApiScope scope,
        String kind,
        String subject,
        UUID userId,
        Set<Role> roles,
        String prefix,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {

    /** What the token grants at most: its roles' permissions (api tokens) or its scope's (ingest, metrics). */
    public Set<Permission> permissions() {
        return scope == ApiScope.API ? Role.permissionsOf(roles) : scope.permissions();
    }

    /** Active: not revoked and not expired at {@code now}. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
