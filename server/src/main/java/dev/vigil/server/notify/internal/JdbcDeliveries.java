package dev.vigil.server.notify.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.Delivery;
import dev.vigil.server.notify.DeliveryFailed;
import dev.vigil.server.notify.DeliveryRequest;
import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.notify.DeliverySucceeded;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.notify.NotificationChannel;
import dev.vigil.server.platform.DurableTimers;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deliveries in {@code notify_deliveries}, sent by the db-scheduler task {@value #TASK}.
 *
 * <p>Invariants: a delivery row is created once per dedup key ({@code insert … on conflict do nothing}), in the
 * caller's transaction together with its timer (db-scheduler writes through the same transaction-aware DataSource).
 * An attempt runs under {@code select … for update} of the row and re-checks that it is still pending and due, so
 * two instances (or a stale timer and a fresh one) never send the same attempt twice; the attempt is logged in
 * {@code notify_attempts} with a unique (delivery, attempt) in the same transaction. A crash after the receiver
 * accepted but before the commit makes the attempt run again (at-least-once at that single point; receivers can
 * deduplicate on the notification id). Timers carry no state of their own: the row decides.
 */
@Service
class JdbcDeliveries implements Deliveries {
    static final String TASK = "notify-delivery";
    private static final Logger log = LoggerFactory.getLogger(JdbcDeliveries.class);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final ChannelRegistry registry;
    private final JdbcChannelService channels;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final ApplicationEventPublisher events;
    private final NotifyProperties properties;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    JdbcDeliveries(
            JdbcClient jdbc,
            JsonMapper json,
            Clock clock,
            ChannelRegistry registry,
            JdbcChannelService channels,
            ObjectProvider<SchedulerClient> scheduler,
            ApplicationEventPublisher events,
            NotifyProperties properties,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
        this.channels = channels;
        this.scheduler = scheduler;
        this.events = events;
        this.properties = properties;
        this.tx = tx;
        this.meters = meters;
    }

    @Override
    @Transactional
    public UUID enqueue(DeliveryRequest r) {
        ChannelTarget target = channels.target(r.channelId())
                .orElseThrow(() -> new IllegalArgumentException("no channel " + r.channelId()));
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant at = r.notBefore().isBefore(now) ? now : r.notBefore();
        Optional<UUID> inserted = jdbc.sql("insert into notify_deliveries (id, dedup_key, correlation, chain_group,"
                        + " chain_position, channel_id, channel_type, recipient, kind, message, status, attempts,"
                        + " not_before, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb,"
                        + " 'pending', 0, ?, ?, ?) on conflict (dedup_key) do nothing returning id")
                .params(
                        id,
                        r.dedupKey(),
                        r.correlation(),
                        r.chainGroup(),
                        r.chainPosition(),
                        r.channelId(),
                        target.type(),
                        r.recipient(),
                        r.notification().kind(),
                        json.writeValueAsString(r.notification()),
                        Timestamp.from(at),
                        Timestamp.from(at),
                        Timestamp.from(now))
                .query(UUID.class)
                .optional();
        if (inserted.isEmpty()) {
            return jdbc.sql("select id from notify_deliveries where dedup_key = ?")
                    .param(r.dedupKey())
                    .query(UUID.class)
                    .single();
        }
        schedule(id, at);
        return id;
    }

    private void schedule(UUID id, Instant at) {
        DurableTimers.wakeUpAt(scheduler, TASK, id, at);
    }

    @Override
    @Transactional
    public int cancel(String correlation) {
        return jdbc.sql("update notify_deliveries set status = 'cancelled', finished_at = ?"
                        + " where correlation = ? and status = 'pending'")
                .params(Timestamp.from(clock.instant()), correlation)
                .update();
    }

    @Override
    @Transactional
    public int cancel(String correlation, UUID recipient) {
        return jdbc.sql("update notify_deliveries set status = 'cancelled', finished_at = ?"
                        + " where correlation = ? and recipient = ? and status = 'pending'")
                .params(Timestamp.from(clock.instant()), correlation, recipient)
                .update();
    }

    @Override
    public List<Delivery> byCorrelation(String correlation) {
        List<Delivery> list = jdbc.sql("select * from notify_deliveries where correlation = ? order by created_at, id")
                .param(correlation)
                .query(this::map)
                .list();
        return withAttempts(list);
    }

    @Override
    public Optional<Delivery> get(UUID id) {
        return jdbc.sql("select * from notify_deliveries where id = ?")
                .param(id)
                .query(this::map)
                .optional()
                .map(d -> withAttempts(List.of(d)).getFirst());
    }

    /**
     * The order of the delivery list: by creation, the id breaking ties; served by
     * {@code notify_deliveries_correlation_keyset_idx (correlation, created_at, id)} and
     * {@code notify_deliveries_created_idx (created_at, id)}.
     */
    static final Keyset ORDER =
            new Keyset("notify-deliveries", "created_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    @Override
    public Page<Delivery> search(Filter filter, PageQuery page) {
        SqlFilter where = new SqlFilter()
                .whenPresent("correlation = ?", filter.correlation())
                .whenPresent("channel_id = ?", filter.channelId())
                .whenPresent("recipient = ?", filter.recipient())
                .whenPresent("status = ?", filter.status());
        Page<Delivery> found = ORDER.page(
                jdbc,
                where,
                "notify_deliveries",
                "select * from notify_deliveries",
                page,
                page.descendingBy("createdAt"),
                this::map,
                Delivery::createdAt,
                Delivery::id);
        List<Delivery> items = withAttempts(found.items());
        return new Page<>(items, found.page(), found.size(), found.total(), found.sort(), found.nextCursor());
    }

    /** The deliveries with their attempts (read in one query). */
    private List<Delivery> withAttempts(List<Delivery> list) {
        if (list.isEmpty()) {
            return list;
        }
        Map<UUID, List<Delivery.Attempt>> attempts = new HashMap<>();
        jdbc.sql("select * from notify_attempts where delivery_id = any(?) order by delivery_id, attempt")
                .param(list.stream().map(Delivery::id).toArray(UUID[]::new))
                .query(rs -> {
                    attempts.computeIfAbsent(rs.getObject("delivery_id", UUID.class), k -> new ArrayList<>())
                            .add(new Delivery.Attempt(
                                    rs.getInt("attempt"),
                                    rs.getTimestamp("at").toInstant(),
                                    rs.getString("outcome"),
                                    rs.getString("detail"),
                                    rs.getLong("duration_ms")));
                });
        List<Delivery> out = new ArrayList<>(list.size());
        for (Delivery d : list) {
            out.add(new Delivery(
                    d.id(),
                    d.correlation(),
                    d.channelId(),
                    d.channelType(),
                    d.recipient(),
                    d.kind(),
                    d.status(),
                    d.attempts(),
                    d.notBefore(),
                    d.createdAt(),
                    d.finishedAt(),
                    d.lastError(),
                    List.copyOf(attempts.getOrDefault(d.id(), List.of()))));
        }
        return out;
    }

    private Delivery map(ResultSet rs, int n) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Delivery(
                rs.getObject("id", UUID.class),
                rs.getString("correlation"),
                rs.getObject("channel_id", UUID.class),
                rs.getString("channel_type"),
                rs.getObject("recipient", UUID.class),
                rs.getString("kind"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getTimestamp("not_before").toInstant(),
                rs.getTimestamp("created_at").toInstant(),
                finished == null ? null : finished.toInstant(),
                rs.getString("last_error"),
                List.of());
    }

    /** The task body: one attempt of one delivery, if it is still pending and due. */
    void attempt(UUID id) {
        Object event = tx.execute(status -> attemptLocked(id));
        if (event != null) {
            events.publishEvent(event);
        }
    }

    private Object attemptLocked(UUID id) {
        Map<String, Object> row = jdbc.sql("select d.*, c.enabled as channel_enabled from notify_deliveries d"
                        + " left join notify_channels c on c.id = d.channel_id where d.id = ? for update of d")
                .param(id)
                .query()
                .singleRow();
        // (singleRow throws when the delivery is gone: nothing to do then, handled by the caller's catch)
        if (!"pending".equals(row.get("status"))) {
            return null;
        }
        Instant now = clock.instant();
        Instant due = ((Timestamp) row.get("next_attempt_at")).toInstant();
        if (due.isAfter(now.plusSeconds(1))) {
            return null; // a stale timer: the delivery was rescheduled
        }
        int attempt = ((Number) row.get("attempts")).intValue() + 1;
        UUID channelId = (UUID) row.get("channel_id");
        UUID recipient = (UUID) row.get("recipient");
        String correlation = (String) row.get("correlation");
        String kind = (String) row.get("kind");
        long started = System.nanoTime();
        DeliveryResult result;
        Optional<ChannelTarget> target = channels.target(channelId);
        if (target.isEmpty()) {
            result = DeliveryResult.permanent("the channel was deleted");
        } else if (!Boolean.TRUE.equals(row.get("channel_enabled"))) {
            result = DeliveryResult.permanent("the channel is disabled");
        } else {
            Optional<NotificationChannel> impl = registry.get(target.get().type());
            if (impl.isEmpty()) {
                result = DeliveryResult.permanent(
                        "no channel implementation for type " + target.get().type());
            } else {
                Notification n = json.readValue(row.get("message").toString(), Notification.class);
                ChannelTarget t = target.get();
                try {
                    result = impl.get()
                            .deliver(
                                    n,
                                    new ChannelTarget(t.channelId(), t.type(), t.name(), t.address(), t.secret(), id));
                } catch (RuntimeException e) {
                    result = DeliveryResult.transient_("channel error: " + e);
                }
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        String outcome;
        String detail;
        Object event = null;
        if (result instanceof DeliveryResult.Delivered d) {
            outcome = "delivered";
            detail = d.detail();
            jdbc.sql("update notify_deliveries set status = 'sent', attempts = ?, finished_at = ?, last_error = null"
                            + " where id = ?")
                    .params(attempt, Timestamp.from(now), id)
                    .update();
            event = new DeliverySucceeded(id, correlation, channelId, recipient, kind, now);
        } else {
            DeliveryResult.Failed f = (DeliveryResult.Failed) result;
            outcome = f.permanent() ? "permanent" : "transient";
            detail = f.reason();
            if (!f.permanent() && attempt < properties.maxAttempts()) {
                Duration wait = f.retryAfter() != null ? f.retryAfter() : properties.backoff(attempt);
                Instant next = now.plus(wait);
                jdbc.sql("update notify_deliveries set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?")
                        .params(attempt, Timestamp.from(next), f.reason(), id)
                        .update();
                schedule(id, next);
            } else {
                String reason = f.permanent() ? f.reason() : "gave up after " + attempt + " attempts: " + f.reason();
                jdbc.sql("update notify_deliveries set status = 'failed', attempts = ?, finished_at = ?,"
                                + " last_error = ? where id = ?")
                        .params(attempt, Timestamp.from(now), reason, id)
                        .update();
                expediteNext((String) row.get("chain_group"), ((Number) row.get("chain_position")).intValue(), now);
                event = new DeliveryFailed(id, correlation, channelId, recipient, kind, reason, now);
            }
        }
        jdbc.sql("insert into notify_attempts (delivery_id, attempt, at, outcome, detail, duration_ms)"
                        + " values (?, ?, ?, ?, ?, ?)")
                .params(id, attempt, Timestamp.from(now), outcome, truncate(detail), ms)
                .update();
        meters.counter("vigil.notify.attempts", "type", String.valueOf(row.get("channel_type")), "outcome", outcome)
                .increment();
        if (!"delivered".equals(outcome)) {
            log.info(
                    "Delivery {} ({} via {}) attempt {}: {} {}",
                    id,
                    kind,
                    row.get("channel_type"),
                    attempt,
                    outcome,
                    detail);
        }
        return event;
    }

    /** A failed step of a notification-rule chain: the next step goes out now instead of after its delay. */
    private void expediteNext(String group, int position, Instant now) {
        if (group == null) {
            return;
        }
        List<UUID> next = jdbc.sql("update notify_deliveries set next_attempt_at = ? where chain_group = ?"
                        + " and chain_position = (select min(chain_position) from notify_deliveries"
                        + " where chain_group = ? and chain_position > ? and status = 'pending')"
                        + " and status = 'pending' and next_attempt_at > ? returning id")
                .params(Timestamp.from(now), group, group, position, Timestamp.from(now))
                .query(UUID.class)
                .list();
        for (UUID id : next) {
            schedule(id, now);
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
