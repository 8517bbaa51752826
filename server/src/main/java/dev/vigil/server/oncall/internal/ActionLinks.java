package dev.vigil.server.oncall.internal;

import dev.vigil.server.platform.crypto.SecretBox;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Acknowledge/resolve links for notifications: usable without signing in, so each is a capability that must be
 * unforgeable, single-purpose, expiring and single-use. The token is {@code <id>.<mac>}: a random link id (a row in
 * {@code oncall_action_links} with page, action, user and expiry) and an HMAC-SHA256 over id, action and expiry with
 * a per-installation key (generated once, kept in {@code oncall_secrets} sealed with the server's {@link SecretBox},
 * shared by all instances: a database dump alone does not let anyone forge links). A token is
 * accepted only when the MAC verifies (constant-time), the row exists with the same action, it has not expired and it
 * was not used; using it marks it used in the same transaction as the acknowledgement.
 */
@Component
class ActionLinks {
    private static final String KEY_NAME = "action-link-hmac";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private final JdbcClient jdbc;
    private final PublicUrl publicUrl;
    private final Duration validity;
    private final SecretBox secrets;
    private volatile byte[] key;

    ActionLinks(JdbcClient jdbc, PublicUrl publicUrl, OnCallProperties properties, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.publicUrl = publicUrl;
        this.validity = properties.actionLinkValidity();
    }

    /** Creates a link (row and URL) for {@code action} on a page for {@code user}. */
    String create(UUID pageId, String action, UUID user, Instant now) {
        UUID id = UUID.randomUUID();
        Instant expires = now.plus(validity);
        jdbc.sql("insert into oncall_action_links (id, page_id, action, user_id, expires_at) values (?, ?, ?, ?, ?)")
                .params(id, pageId, action, user, Timestamp.from(expires))
                .update();
        return publicUrl.base() + "/oncall/action/" + token(id, action, expires);
    }

    /**
     * {@code <id>.<mac>}, each base64url without padding: the row {@code id} (16 bytes) and the MAC over the id, the
     * {@code action} and the {@code expires} second, so neither can be changed without the key.
     */
    String token(UUID id, String action, Instant expires) {
        byte[] idBytes = ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
        return B64.encodeToString(idBytes) + "." + B64.encodeToString(mac(id, action, expires));
    }

    /** The id and the MAC of a token as {@link #token} writes them, not verified yet. */
    record Signed(UUID id, byte[] mac) {}

    /** Splits a well-formed token (at most 200 characters) into its id and MAC; anything else is empty. */
    static Optional<Signed> split(String token) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(D64.decode(token.substring(0, dot)));
            if (b.remaining() != 16) {
                return Optional.empty();
            }
            UUID id = new UUID(b.getLong(), b.getLong());
            return Optional.of(new Signed(id, D64.decode(token.substring(dot + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A verified, unexpired, unused link (not yet consumed), or empty. */
    Optional<Link> check(String token, Instant now) {
        Optional<Link> link = parse(token);
        return link.filter(l -> l.usedAt() == null && l.expiresAt().isAfter(now));
    }

    /** Parses and verifies the signature; the link may be used or expired. */
    Optional<Link> parse(String token) {
        Optional<Signed> signed = split(token);
        if (signed.isEmpty()) {
            return Optional.empty();
        }
        UUID id = signed.get().id();
        byte[] given = signed.get().mac();
        Optional<Link> row = jdbc.sql("select * from oncall_action_links where id = ?")
                .param(id)
                .query((rs, n) -> new Link(
                        id,
                        rs.getObject("page_id", UUID.class),
                        rs.getString("action"),
                        rs.getObject("user_id", UUID.class),
                        rs.getTimestamp("expires_at").toInstant(),
                        rs.getTimestamp("used_at") == null
                                ? null
                                : rs.getTimestamp("used_at").toInstant()))
                .optional();
        return row.filter(l -> MessageDigest.isEqual(given, mac(l.id(), l.action(), l.expiresAt())));
    }

    /** Marks the link used; false when it was used (or expired) meanwhile. Call in the acting transaction. */
    boolean consume(Link link, Instant now, String from) {
        return jdbc.sql("update oncall_action_links set used_at = ?, used_from = ? where id = ? and used_at is null"
                                + " and expires_at > ?")
                        .params(Timestamp.from(now), from, link.id(), Timestamp.from(now))
                        .update()
                == 1;
    }

    byte[] mac(UUID id, String action, Instant expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            mac.update((id + "|" + action + "|" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
            byte[] full = mac.doFinal();
            byte[] out = new byte[20];
            System.arraycopy(full, 0, out, 0, out.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] key() {
        byte[] k = key;
        if (k == null) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            jdbc.sql("insert into oncall_secrets (name, value) values (?, ?) on conflict (name) do nothing")
                    .params(KEY_NAME, secrets.sealBytes(fresh))
                    .update();
            // another instance may have won the insert: everyone uses the stored key
            k = secrets.openBytes(jdbc.sql("select value from oncall_secrets where name = ?")
                    .param(KEY_NAME)
                    .query(byte[].class)
                    .single());
            key = k;
        }
        return k;
    }

    record Link(UUID id, UUID pageId, String action, UUID userId, Instant expiresAt, Instant usedAt) {}
}
