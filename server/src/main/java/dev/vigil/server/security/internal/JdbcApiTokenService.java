package dev.vigil.server.security.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API tokens in table {@code api_tokens} (SHA-256 only). Successful lookups are cached for
 * {@code vigil.security.token-cache-ttl} so ingest requests do not hit the database each time; a cached entry is
 * re-checked against its expiry on every use, and revocation clears the cache. {@code last_used_at} is written at most
 * once a minute per token. Issuing and revoking are audited (the token's listing, never its secret).
 */
@Service
class JdbcApiTokenService implements ApiTokenService {
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Cache<String, Cached> cache;
    private final AuditLog audit;
    private final TransactionTemplate tx;

    JdbcApiTokenService(
            JdbcClient jdbc, Clock clock, SecurityProperties properties, AuditLog audit, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.tx = tx;
        this.cache = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(properties.tokenCacheTtl())
                .build();
    }

    private record Cached(ApiPrincipal principal, Instant expiresAt, Instant lastUsedWritten) {}

    @Override
    public IssuedApiToken issue(ApiScope scope, String name, String subject, Instant expiresAt) {
        if (scope == ApiScope.API) {
            throw new IllegalArgumentException("api tokens carry roles: use issueApiToken");
        }
        return store(TokenHashing.newToken(), scope, name, subject, null, Set.of(), expiresAt);
    }

    @Override
    public IssuedApiToken issueApiToken(String name, UUID userId, Set<Role> roles, Instant expiresAt) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("an api token needs at least one role");
        }
        if (userId != null) {
            List<Role> userRoles = jdbc.sql("select roles from users where id = ? and enabled")
                    .param(userId)
                    .query((rs, i) -> List.copyOf(JdbcUserService.rolesOf(rs.getArray(1))))
                    .optional()
                    .orElseThrow(() -> new NoSuchElementException("no enabled user " + userId));
            if (!userRoles.containsAll(roles)) {
                throw new IllegalArgumentException("a personal token cannot have roles its user does not have");
            }
        }
        return store(TokenHashing.newToken(), ApiScope.API, name, null, userId, roles, expiresAt);
    }

    /** Stores a token whose value the caller chose (the bootstrap token). */
    IssuedApiToken store(
            String token,
            ApiScope scope,
            String name,
            String subject,
            UUID userId,
            Set<Role> roles,
            Instant expiresAt) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a token needs a name of at most 200 characters");
        }
        if (subject != null && scope != ApiScope.INGEST) {
            throw new IllegalArgumentException("only ingest tokens are bound to a log source");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("expiresAt must be in the future");
        }
        UUID id = UUID.randomUUID();
        String prefix = TokenHashing.displayPrefix(token);
        return tx.execute(s -> {
            jdbc.sql("""
                            insert into api_tokens (id, name, scope, subject, token_hash, token_prefix, created_at,
                              expires_at, user_id, roles)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            id,
                            name.strip(),
                            scope.id(),
                            subject,
                            TokenHashing.hash(token),
                            prefix,
                            Timestamp.from(now),
                            expiresAt == null ? null : Timestamp.from(expiresAt),
                            userId,
                            JdbcUserService.roleArray(roles))
                    .update();
            ApiTokenInfo info = find(id).orElseThrow();
            audit.record("issued", "token", id.toString(), null, info);
            return new IssuedApiToken(token, info);
        });
    }

    boolean exists(String token) {
        return jdbc.sql("select count(*) from api_tokens where token_hash = ?")
                        .param(TokenHashing.hash(token))
                        .query(Long.class)
                        .single()
                > 0;
    }

    @Override
    public Optional<ApiPrincipal> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        byte[] hash = TokenHashing.hash(token);
        String key = HexFormat.of().formatHex(hash);
        Instant now = clock.instant();
        Cached cached = cache.getIfPresent(key);
        if (cached == null) {
            cached = load(hash, now);
            if (cached == null) {
                return Optional.empty();
            }
            cache.put(key, cached);
        }
        if (cached.expiresAt() != null && !now.isBefore(cached.expiresAt())) {
            cache.invalidate(key);
            return Optional.empty();
        }
        if (Duration.between(cached.lastUsedWritten(), now).compareTo(LAST_USED_RESOLUTION) >= 0) {
            jdbc.sql("update api_tokens set last_used_at = ? where id = ?")
                    .params(Timestamp.from(now), cached.principal().tokenId())
                    .update();
            cache.put(key, new Cached(cached.principal(), cached.expiresAt(), now));
        }
        return Optional.of(cached.principal());
    }

    private Cached load(byte[] hash, Instant now) {
        return jdbc.sql("""
                        select t.id, t.name, t.scope, t.subject, t.expires_at, t.last_used_at, t.user_id, t.roles,
                          u.username
                        from api_tokens t left join users u on u.id = t.user_id
                        where t.token_hash = ? and t.revoked_at is null and (t.expires_at is null or t.expires_at > ?)""")
                .params(hash, Timestamp.from(now))
                .query((rs, i) -> new Cached(
                        new ApiPrincipal(
                                rs.getObject("id", UUID.class),
                                rs.getString("name"),
                                ApiScope.parse(rs.getString("scope")),
                                rs.getString("subject"),
                                rs.getObject("user_id", UUID.class),
                                rs.getString("username"),
                                JdbcUserService.rolesOf(rs.getArray("roles"))),
                        instant(rs, "expires_at"),
                        Optional.ofNullable(instant(rs, "last_used_at")).orElse(Instant.EPOCH)))
                .optional()
                .orElse(null);
    }

    @Override
    public boolean revoke(UUID id) {
        Boolean revoked = tx.execute(s -> {
            Optional<ApiTokenInfo> before = find(id);
            int n = jdbc.sql("update api_tokens set revoked_at = ? where id = ? and revoked_at is null")
                    .params(Timestamp.from(clock.instant()), id)
                    .update();
            if (n > 0) {
                audit.record("revoked", "token", id.toString(), before.orElse(null), find(id).orElse(null));
            }
            return n > 0;
        });
        cache.invalidateAll();
        return Boolean.TRUE.equals(revoked);
    }

    @Override
    public int revokeSubject(String subject) {
        Integer n = tx.execute(s -> {
            List<ApiTokenInfo> active = jdbc.sql("select * from api_tokens where subject = ? and revoked_at is null")
                    .param(subject)
                    .query((rs, i) -> info(rs))
                    .list();
            int count = jdbc.sql("update api_tokens set revoked_at = ? where subject = ? and revoked_at is null")
                    .params(Timestamp.from(clock.instant()), subject)
                    .update();
            for (ApiTokenInfo t : active) {
                audit.record(
                        "revoked", "token", t.id().toString(), t, find(t.id()).orElse(null));
            }
            return count;
        });
        cache.invalidateAll();
        return n == null ? 0 : n;
    }

    @Override
    public List<ApiTokenInfo> list() {
        return jdbc.sql("select * from api_tokens order by created_at, id")
                .query((rs, i) -> info(rs))
                .list();
    }

    @Override
    public List<ApiTokenInfo> listForUser(UUID userId) {
        return jdbc.sql("select * from api_tokens where user_id = ? order by created_at, id")
                .param(userId)
                .query((rs, i) -> info(rs))
                .list();
    }

    @Override
    public Optional<ApiTokenInfo> find(UUID id) {
        return jdbc.sql("select * from api_tokens where id = ?")
                .param(id)
                .query((rs, i) -> info(rs))
                .optional();
    }

    /** Active api tokens with the admin role that belong to no user (integration admin tokens). */
    long activeAdminTokens() {
        return jdbc.sql("""
                        select count(*) from api_tokens
                        where scope = 'api' and 'admin' = any(roles) and revoked_at is null
                          and (expires_at is null or expires_at > ?)""")
                .param(Timestamp.from(clock.instant()))
                .query(Long.class)
                .single();
    }

    private static ApiTokenInfo info(ResultSet rs) throws SQLException {
        ApiScope scope = ApiScope.parse(rs.getString("scope"));
        UUID userId = rs.getObject("user_id", UUID.class);
        String kind = scope == ApiScope.API ? (userId == null ? "integration" : "user") : scope.id();
        return new ApiTokenInfo(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                scope,
                kind,
                rs.getString("subject"),
                userId,
                JdbcUserService.rolesOf(rs.getArray("roles")),
                rs.getString("token_prefix"),
                instant(rs, "created_at"),
                instant(rs, "expires_at"),
                instant(rs, "revoked_at"),
                instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
