package dev.vigil.server.security;

import java.time.Instant;
import java.util.UUID;

/** An API token as listed (never with its secret). */
public record ApiTokenInfo(
        UUID id,
        String name,
        ApiScope scope,
        String subject,
        String prefix,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {}
