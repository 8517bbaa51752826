package dev.vigil.server.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues, checks and revokes API tokens. Tokens are random 256-bit secrets ({@code vigil_...}); only their SHA-256
 * is stored, so a database dump does not reveal them. Thread-safe; {@link #authenticate} is cached briefly and is
 * cheap enough for every ingest request.
 */
public interface ApiTokenService {

    /**
     * Issues a token.
     *
     * @param scope what it may do
     * @param name a human-readable name (unique names are not enforced)
     * @param subject for {@link ApiScope#INGEST}: the only log source it may write to, or null for any
     * @param expiresAt null for no expiry
     */
    IssuedApiToken issue(ApiScope scope, String name, String subject, Instant expiresAt);

    /** Issues a token named after its subject (or scope): the short form the intake module uses for sources. */
    default IssuedApiToken issue(ApiScope scope, String subject, Instant expiresAt) {
        return issue(scope, subject != null ? subject : scope.id(), subject, expiresAt);
    }

    /** The principal of a valid (known, not revoked, not expired) token. */
    Optional<ApiPrincipal> authenticate(String token);

    /** Revokes a token; false when there is no such active token. Takes effect immediately on this node. */
    boolean revoke(UUID id);

    /** Revokes every active token bound to {@code subject} (e.g. when a log source is deleted); returns the count. */
    int revokeSubject(String subject);

    List<ApiTokenInfo> list();

    Optional<ApiTokenInfo> find(UUID id);
}
