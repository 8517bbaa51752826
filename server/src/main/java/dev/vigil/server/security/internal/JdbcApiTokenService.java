package dev.vigil.server.security.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API tokens in table {@code api_tokens} (SHA-256 only). Successful lookups are cached for
 * {@code vigil.security.token-cache-ttl} so ingest requests do not hit the database each time; a cached entry is
 * re-checked against its expiry on every use, and revocation clears the cache. {@code last_used_at} is written at most
 * once a minute per token.
 */
@Service
class JdbcApiTokenService implements ApiTokenService {
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Cache<String, Cached> cache;

    JdbcApiTokenService(JdbcClient jdbc, Clock clock, SecurityProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(properties.tokenCacheTtl())
                .build();
    }

    private record Cached(ApiPrincipal principal, Instant expiresAt, Instant lastUsedWritten) {}

    @Override
    public IssuedApiToken issue(ApiScope scope, String name, String subject, Instant expiresAt) {
        return store(TokenHashing.newToken(), scope, name, subject, expiresAt);
    }

    /** Stores a token whose value the caller chose (the bootstrap token). */
    IssuedApiToken store(String token, ApiScope scope, String name, String subject, Instant expiresAt) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a token needs a name");
        }
        if (subject != null && scope != ApiScope.INGEST) {
            throw new IllegalArgumentException("only ingest tokens are bound to a log source");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        String prefix = TokenHashing.displayPrefix(token);
        jdbc.sql("""
                        insert into api_tokens (id, name, scope, subject, token_hash, token_prefix, created_at, expires_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        name.strip(),
                        scope.id(),
                        subject,
                        TokenHashing.hash(token),
                        prefix,
                        Timestamp.from(now),
                        expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        return new IssuedApiToken(
                token, new ApiTokenInfo(id, name.strip(), scope, subject, prefix, now, expiresAt, null, null));
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
                        select id, name, scope, subject, expires_at, last_used_at from api_tokens
                        where token_hash = ? and revoked_at is null and (expires_at is null or expires_at > ?)""")
                .params(hash, Timestamp.from(now))
                .query((rs, i) -> new Cached(
                        new ApiPrincipal(
                                rs.getObject("id", UUID.class),
                                rs.getString("name"),
                                ApiScope.parse(rs.getString("scope")),
                                rs.getString("subject")),
                        instant(rs, "expires_at"),
                        Optional.ofNullable(instant(rs, "last_used_at")).orElse(Instant.EPOCH)))
                .optional()
                .orElse(null);
    }

    @Override
    public boolean revoke(UUID id) {
        int n = jdbc.sql("update api_tokens set revoked_at = ? where id = ? and revoked_at is null")
                .params(Timestamp.from(clock.instant()), id)
                .update();
        cache.invalidateAll();
        return n > 0;
    }

    @Override
    public int revokeSubject(String subject) {
        int n = jdbc.sql("update api_tokens set revoked_at = ? where subject = ? and revoked_at is null")
                .params(Timestamp.from(clock.instant()), subject)
                .update();
        cache.invalidateAll();
        return n;
    }

    @Override
    public List<ApiTokenInfo> list() {
        return jdbc.sql("select * from api_tokens order by created_at, id")
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

    long activeCount(ApiScope scope) {
        return jdbc.sql("""
                        select count(*) from api_tokens
                        where scope = ? and revoked_at is null and (expires_at is null or expires_at > ?)""")
                .params(scope.id(), Timestamp.from(clock.instant()))
                .query(Long.class)
                .single();
    }

    private static ApiTokenInfo info(ResultSet rs) throws SQLException {
        return new ApiTokenInfo(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                ApiScope.parse(rs.getString("scope")),
                rs.getString("subject"),
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
