package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.NotificationChannel;
import dev.vigil.server.platform.audit.AuditLog;
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

/** Channels in {@code notify_channels}; addresses validated by their type's {@link NotificationChannel}. */
@Service
class JdbcChannelService implements ChannelService {
    private final JdbcClient jdbc;
    private final ChannelRegistry registry;
    private final Clock clock;
    private final AuditLog audit;

    JdbcChannelService(JdbcClient jdbc, ChannelRegistry registry, Clock clock, AuditLog audit) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.clock = clock;
        this.audit = audit;
    }

    @Override
    @Transactional
    public Channel create(ChannelRequest r) {
        if (r.type() == null || r.address() == null) {
            throw new IllegalArgumentException("a channel needs a type and an address");
        }
        String type = r.type().trim().toLowerCase(java.util.Locale.ROOT);
        String address = r.address().trim();
        registry.require(type).validate(address, r.secret());
        String name = r.name() == null || r.name().isBlank() ? type : r.name().strip();
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.sql(
                        "insert into notify_channels (id, user_id, name, type, address, secret, enabled, created_at, updated_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        r.userId(),
                        name,
                        type,
                        address,
                        r.secret(),
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
        String type = r.type() == null ? current.type() : r.type().trim().toLowerCase(java.util.Locale.ROOT);
        String address = r.address() == null ? current.address() : r.address().trim();
        String secret = r.secret() == null ? current.secret() : r.secret();
        registry.require(type).validate(address, secret);
        Channel before = get(id).orElseThrow();
        jdbc.sql(
                        "update notify_channels set name = coalesce(?, name), type = ?, address = ?, secret = ?,"
                                + " enabled = coalesce(?, enabled), user_id = coalesce(?, user_id), updated_at = ? where id = ?")
                .params(
                        r.name() == null ? null : r.name().strip(),
                        type,
                        address,
                        secret,
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
                        rs.getString("address"),
                        rs.getString("secret"),
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
                secretUrl ? mask(address) : address,
                rs.getString("secret") != null,
                rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
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
