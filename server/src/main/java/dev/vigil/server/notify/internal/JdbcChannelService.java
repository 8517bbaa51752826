package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.NotificationChannel;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.crypto.SecretBox;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Channels in {@code notify_channels}; addresses validated by their type's {@link NotificationChannel}. Signing
 * secrets are stored sealed ({@link SecretBox}, column {@code secret_box}) and opened only to send; the API and the
 * audit trail see only whether a channel has one. Secret-bearing URLs (a Slack webhook URL is its own credential) are
 * sealed likewise ({@code address_box}); {@code address} then holds only their masked form.
 */
@Service
class JdbcChannelService implements ChannelService {
    /** The longest channel name, as for every other name in the API. */
    static final int MAX_NAME = 200;

    private final JdbcClient jdbc;
    private final ChannelRegistry registry;
    private final Clock clock;
    private final AuditLog audit;
    private final SecretBox secrets;

    JdbcChannelService(JdbcClient jdbc, ChannelRegistry registry, Clock clock, AuditLog audit, SecretBox secrets) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.clock = clock;
        this.audit = audit;
        this.secrets = secrets;
    }

    @Override
    @Transactional
    public Channel create(ChannelRequest r) {
        if (r.type() == null || r.address() == null) {
            throw new IllegalArgumentException("a channel needs a type and an address");
        }
        String type = r.type().trim().toLowerCase(java.util.Locale.ROOT);
        String address = r.address().trim();
        NotificationChannel channelType = registry.require(type);
        channelType.validate(address, r.secret());
        String name = r.name() == null || r.name().isBlank() ? type : name(r.name());
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.sql("insert into notify_channels (id, user_id, name, type, address, address_box, secret_box, enabled,"
                        + " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        r.userId(),
                        name,
                        type,
                        shownAddress(channelType, address),
                        addressBox(channelType, address),
                        r.secret() == null ? null : secrets.seal(r.secret()),
                        r.enabled() == null || r.enabled(),
                        Timestamp.from(now),
                        Timestamp.from(now))
                .update();
        Channel created = get(id).orElseThrow();
        audit.record("created", "notify_channel", id.toString(), null, created);
        return created;
    }

    @Override
    @Transactional
    public Channel update(UUID id, ChannelRequest r) {
        ChannelTarget current = target(id).orElseThrow(() -> new java.util.NoSuchElementException("no channel " + id));
        String name = r.name() == null ? null : name(r.name());
        String type = r.type() == null ? current.type() : r.type().trim().toLowerCase(java.util.Locale.ROOT);
        String address = r.address() == null ? current.address() : r.address().trim();
        String secret = r.secret() == null ? current.secret() : r.secret();
        NotificationChannel channelType = registry.require(type);
        channelType.validate(address, secret);
        Channel before = get(id).orElseThrow();
        jdbc.sql("update notify_channels set name = coalesce(?, name), type = ?, address = ?, address_box = ?,"
                        + " secret_box = coalesce(?, secret_box), enabled = coalesce(?, enabled),"
                        + " user_id = coalesce(?, user_id), updated_at = ? where id = ?")
                .params(
                        name,
                        type,
                        shownAddress(channelType, address),
                        addressBox(channelType, address),
                        r.secret() == null ? null : secrets.seal(r.secret()),
                        r.enabled(),
                        r.userId(),
                        Timestamp.from(clock.instant()),
                        id)
                .update();
        Channel after = get(id).orElseThrow();
        audit.record(
                "updated",
                "notify_channel",
                id.toString(),
                before,
                java.util.Map.of("channel", after, "secretChanged", r.secret() != null));
        return after;
    }

    @Override
    @Transactional
    public boolean delete(UUID id) {
        Channel before = get(id).orElse(null);
        boolean deleted =
                jdbc.sql("delete from notify_channels where id = ?").param(id).update() > 0;
        if (deleted) {
            audit.record("deleted", "notify_channel", id.toString(), before, null);
        }
        return deleted;
    }

    @Override
    public Optional<Channel> get(UUID id) {
        return jdbc.sql("select * from notify_channels where id = ?")
                .param(id)
                .query(this::map)
                .optional();
    }

    @Override
    public List<Channel> list(UUID userId) {
        if (userId == null) {
            return jdbc.sql("select * from notify_channels order by name, id")
                    .query(this::map)
                    .list();
        }
        return jdbc.sql("select * from notify_channels where user_id = ? order by name, id")
                .param(userId)
                .query(this::map)
                .list();
    }

    @Override
    public Set<String> types() {
        return registry.types();
    }

    /** The full target (with secret) for sending; internal to this module. */
    Optional<ChannelTarget> target(UUID id) {
        return jdbc.sql("select * from notify_channels where id = ?")
                .param(id)
                .query((rs, n) -> new ChannelTarget(
                        rs.getObject("id", UUID.class),
                        rs.getString("type"),
                        rs.getString("name"),
                        rs.getObject("address_box") == null
                                ? rs.getString("address")
                                : open(rs.getBytes("address_box")),
                        open(rs.getBytes("secret_box")),
                        null))
                .optional();
    }

    boolean enabled(UUID id) {
        return jdbc.sql("select enabled from notify_channels where id = ?")
                .param(id)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    private Channel map(ResultSet rs, int n) throws SQLException {
        String type = rs.getString("type");
        String address = rs.getString("address");
        boolean secretUrl =
                registry.get(type).map(NotificationChannel::addressIsSecret).orElse(true);
        return new Channel(
                rs.getObject("id", UUID.class),
                rs.getObject("user_id", UUID.class),
                rs.getString("name"),
                type,
                secretUrl && rs.getObject("address_box") == null ? mask(address) : address,
                rs.getObject("secret_box") != null,
                rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    /**
     * What {@code address} holds: for types whose address is a secret-bearing URL (chat and signed webhooks) only its
     * masked form, the URL itself sealed in {@code address_box}; e-mail addresses as they are.
     */
    private static String shownAddress(NotificationChannel type, String address) {
        return type.addressIsSecret() ? mask(address) : address;
    }

    private byte[] addressBox(NotificationChannel type, String address) {
        return type.addressIsSecret() ? secrets.seal(address) : null;
    }

    private String open(byte[] box) {
        return box == null ? null : secrets.open(box);
    }

    /** A name of at most {@link #MAX_NAME} characters (stripped; blank only on create, where it means the type). */
    private static String name(String name) {
        String n = name.strip();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("a channel name must not be blank");
        }
        if (n.length() > MAX_NAME) {
            throw new IllegalArgumentException("a channel name must be at most " + MAX_NAME + " characters");
        }
        return n;
    }

    /** {@code https://hooks.slack.com/services/T0/B0/xyz} → {@code https://hooks.slack.com/…} */
    static String mask(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
        } catch (RuntimeException e) {
            return "…";
        }
    }
}
