package dev.vigil.server.security;

import dev.vigil.server.platform.access.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues, checks and revokes API tokens. Tokens are random 256-bit secrets ({@code vigil_...}); only their SHA-256
 * is stored, so a database dump does not reveal them. Every issue and revocation is audited. Thread-safe;
 * {@link #authenticate} is cached briefly and is cheap enough for every ingest request.
 */
public interface ApiTokenService {

    /**
     * Issues an ingest or metrics token.
     *
     * @param scope {@link ApiScope#INGEST} or {@link ApiScope#METRICS}
     * @param name a human-readable name (unique names are not enforced)
     * @param subject for {@link ApiScope#INGEST}: the only log source it may write to, or null for any
     * @param expiresAt null for no expiry
     */
    IssuedApiToken issue(ApiScope scope, String name, String subject, Instant expiresAt);

    /** Issues a token named after its subject (or scope): the short form the intake module uses for sources. */
    default IssuedApiToken issue(ApiScope scope, String subject, Instant expiresAt) {
        return issue(scope, subject != null ? subject : scope.id(), subject, expiresAt);
    }

    /**
     * Issues an api token with roles: a personal token of {@code userId} (its roles must be a subset of the user's,
     * and it is limited to the user's current roles on every use) or, with {@code userId} null, an integration's.
     */
    IssuedApiToken issueApiToken(String name, UUID userId, Set<Role> roles, Instant expiresAt);

    /** The principal of a valid (known, not revoked, not expired) token. */
    Optional<ApiPrincipal> authenticate(String token);

    /** Revokes a token; false when there is no such active token. Takes effect immediately on this node. */
    boolean revoke(UUID id);

    /** Revokes every active token bound to {@code subject} (e.g. when a log source is deleted); returns the count. */
    int revokeSubject(String subject);

    List<ApiTokenInfo> list();

    /** The tokens of one user. */
    List<ApiTokenInfo> listForUser(UUID userId);

    Optional<ApiTokenInfo> find(UUID id);
}
