package dev.vigil.server.oncall.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.DeliveryFailed;
import dev.vigil.server.notify.DeliveryRequest;
import dev.vigil.server.notify.DeliverySucceeded;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.OutOfBandChecks;
import dev.vigil.server.oncall.Person;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The out-of-band check (SAMM IM3-B, "detect and correct unavailability"): on a schedule ({@code
 * vigil.oncall.check.interval}, default weekly, a durable db-scheduler task) a test notification goes to every enabled
 * channel of every person on call now and to every shared channel. A person's test carries a signed single-use link
 * to confirm receipt within {@code vigil.oncall.check.confirm-within}; a failed delivery (permanent, or transient until
 * the retry limit) or a missed deadline becomes a warning ({@code GET /api/v1/oncall/warnings}, the dashboard, the
 * on-call page) and is sent to the fallback contact of the person's teams. A later delivered or confirmed test clears
 * it. Deadlines are claimed with one {@code UPDATE … RETURNING}, so with several instances each warning goes out once.
 */
@Component
class OutOfBandCheck implements OutOfBandChecks {
    private static final Logger log = LoggerFactory.getLogger(OutOfBandCheck.class);
    static final String PREFIX = "check:";
    private static final String LINK_ACTION = "confirm-check";

    private final JdbcClient jdbc;
    private final ScheduleQueries schedules;
    private final ChannelService channels;
    private final Deliveries deliveries;
    private final OnCallStore store;
    private final ActionLinks links;
    private final PublicUrl publicUrl;
    private final OnCallProperties properties;
    private final Clock clock;

    OutOfBandCheck(
            JdbcClient jdbc,
            ScheduleQueries schedules,
            ChannelService channels,
            Deliveries deliveries,
            OnCallStore store,
            ActionLinks links,
            PublicUrl publicUrl,
            OnCallProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.schedules = schedules;
        this.channels = channels;
        this.deliveries = deliveries;
        this.store = store;
        this.links = links;
        this.publicUrl = publicUrl;
        this.properties = properties;
        this.clock = clock;
    }

    /** Sends one round of test notifications now; returns the run id. */
    @Override
    public UUID runNow() {
        return run(clock.instant());
    }

    /** Sends one round of test notifications now; returns the run id. */
    UUID run() {
        return run(clock.instant());
    }

    /** Sends one round of test notifications at {@code now}; returns the run id. */
    @Transactional
    UUID run(Instant now) {
        UUID run = UUID.randomUUID();
        Set<UUID> people = schedules.everyoneOnCallNow();
        List<Channel> targets = new ArrayList<>();
        for (UUID user : people) {
            channels.list(user).stream().filter(Channel::enabled).forEach(targets::add);
        }
        channels.list(null).stream()
                .filter(c -> c.userId() == null && c.enabled())
                .forEach(targets::add);
        Set<UUID> seen = new LinkedHashSet<>();
        for (Channel c : targets) {
            if (!seen.add(c.id())) {
                continue;
            }
            UUID result = UUID.randomUUID();
            Instant confirmBy = c.userId() == null
                    ? null
                    : now.plus(properties.check().confirmWithin()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            String name = c.userId() == null
                    ? null
                    : store.person(c.userId()).map(Person::name).orElse(null);
            List<Notification.Link> confirm = confirmBy == null
                    ? List.of()
                    : List.of(new Notification.Link("Confirm receipt", confirmUrl(result, confirmBy), true));
            Notification n = new Notification(
                    "test",
                    PREFIX + run + ":" + c.id(),
                    PREFIX + run,
                    "Vigil test notification (out-of-band check)",
                    null,
                    "This is a scheduled test of the channel '" + c.name() + "'. Vigil checks that it can reach you"
                            + " while you are on call."
                            + (confirmBy == null
                                    ? ""
                                    : "\nPlease confirm receipt with the link below before " + confirmBy
                                            + "; otherwise your team's fallback contact is told."),
                    confirm,
                    name,
                    now,
                    Map.of("channel", c.id().toString(), "check", result.toString()));
            UUID delivery = deliveries.enqueue(new DeliveryRequest(
                    PREFIX + run + ":" + c.id(), PREFIX + run, c.id(), c.userId(), n, now, null, 0));
            jdbc.sql("insert into oncall_check_results (id, run_id, channel_id, user_id, delivery_id, status,"
                            + " created_at, confirm_by) values (?, ?, ?, ?, ?, 'pending', ?, ?)")
                    .params(
                            result,
                            run,
                            c.id(),
                            c.userId(),
                            delivery,
                            Timestamp.from(now),
                            confirmBy == null ? null : Timestamp.from(confirmBy))
                    .update();
        }
        log.info(
                "Out-of-band check {}: {} test notifications to {} people on call and shared channels",
                run,
                seen.size(),
                people.size());
        return run;
    }

    // --- confirmation links

    String confirmUrl(UUID result, Instant confirmBy) {
        return publicUrl.base() + "/oncall/check/" + token(result, confirmBy);
    }

    String token(UUID result, Instant confirmBy) {
        return links.token(result, LINK_ACTION, confirmBy);
    }

    /** The result a token confirms, when the signature verifies (it may be confirmed or expired already). */
    Optional<Result> verify(String token) {
        Optional<ActionLinks.Signed> signed = ActionLinks.split(token);
        if (signed.isEmpty()) {
            return Optional.empty();
        }
        UUID id = signed.get().id();
        byte[] given = signed.get().mac();
        return result(id)
                .filter(r -> r.confirmBy() != null)
                .filter(r -> MessageDigest.isEqual(given, links.mac(r.id(), LINK_ACTION, r.confirmBy())));
    }

    /** Confirms receipt; false when already confirmed, past the deadline or failed. Single use. */
    @Transactional
    boolean confirm(Result r, Instant now, String from) {
        return jdbc.sql("update oncall_check_results set status = 'confirmed', confirmed_at = ?, confirmed_from = ?,"
                                + " finished_at = coalesce(finished_at, ?) where id = ? and status in ('pending', 'ok')"
                                + " and confirmed_at is null and confirm_by > ?")
                        .params(Timestamp.from(now), from, Timestamp.from(now), r.id(), Timestamp.from(now))
                        .update()
                == 1;
    }

    // --- outcomes (the notify module publishes them after committing an attempt, outside a transaction; a crash in
    // between is repaired by the sweep's reconciliation in expire)

    @EventListener
    void on(DeliverySucceeded e) {
        if (e.correlation().startsWith(PREFIX) && !e.correlation().contains(":warn")) {
            jdbc.sql("update oncall_check_results set status = 'ok', finished_at = ? where delivery_id = ?"
                            + " and status = 'pending'")
                    .params(Timestamp.from(e.at()), e.deliveryId())
                    .update();
        }
    }

    @EventListener
    void on(DeliveryFailed e) {
        if (!e.correlation().startsWith(PREFIX) || e.correlation().contains(":warn")) {
            return;
        }
        int n = jdbc.sql("update oncall_check_results set status = 'failed', detail = ?, finished_at = ?, warned = true"
                        + " where delivery_id = ? and status in ('pending', 'ok')")
                .params(e.reason(), Timestamp.from(e.at()), e.deliveryId())
                .update();
        if (n > 0) {
            warnFallback(
                    e.channelId(),
                    e.recipient(),
                    e.correlation(),
                    "The scheduled test notification failed: " + e.reason(),
                    e.at());
        }
    }

    /**
     * Settles results whose delivery finished without the outcome event having been handled (a crash in between),
     * warns about failures not yet warned about, and marks tests not confirmed by their deadline as {@code
     * unconfirmed}, telling the fallback contacts. Each step claims its rows with one {@code UPDATE … RETURNING}, so
     * each result is warned about once even with several instances sweeping.
     */
    @Transactional
    int expire(Instant now) {
        jdbc.sql("update oncall_check_results r set status = case when d.status = 'sent' then 'ok' else 'failed' end,"
                        + " finished_at = coalesce(d.finished_at, ?), detail = d.last_error from notify_deliveries d"
                        + " where d.id = r.delivery_id and r.status = 'pending' and d.status in ('sent', 'failed',"
                        + " 'cancelled')")
                .param(Timestamp.from(now))
                .update();
        List<Result> failed = claim(
                "update oncall_check_results set warned = true where status = 'failed'"
                        + " and not warned returning id",
                List.of());
        for (Result r : failed) {
            warnFallback(
                    r.channelId(),
                    r.userId(),
                    PREFIX + r.runId(),
                    "The scheduled test notification failed: " + r.detail(),
                    now);
        }
        List<Result> missed = claim(
                "update oncall_check_results set status = 'unconfirmed', warned = true,"
                        + " finished_at = ?, detail = 'not confirmed by ' || to_char(confirm_by at time zone 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') where status in ('pending', 'ok') and confirm_by <= ?"
                        + " and not warned returning id",
                List.of(Timestamp.from(now), Timestamp.from(now)));
        for (Result r : missed) {
            warnFallback(
                    r.channelId(),
                    r.userId(),
                    PREFIX + r.runId(),
                    "The scheduled test notification was not confirmed by " + r.confirmBy() + ".",
                    now);
        }
        if (!missed.isEmpty()) {
            log.warn("Out-of-band check: {} test notifications not confirmed in time", missed.size());
        }
        return missed.size();
    }

    private List<Result> claim(String sql, List<Object> params) {
        return jdbc.sql(sql).params(params).query(UUID.class).list().stream()
                .map(id -> result(id).orElseThrow())
                .toList();
    }

    /** Tells the fallback contacts of the teams of the channel's owner (or of every team, for shared channels). */
    private void warnFallback(UUID channelId, UUID recipient, String correlation, String reason, Instant at) {
        Channel c = channels.get(channelId).orElse(null);
        String owner = recipient == null
                ? "shared channel"
                : store.person(recipient).map(Person::name).orElse(String.valueOf(recipient));
        for (OnCallTeam t : store.teams()) {
            if (recipient != null && !t.members().contains(recipient)) {
                continue;
            }
            List<UUID> fallbackChannels = new ArrayList<>();
            UUID target = t.fallbackChannelId();
            if (target != null && !target.equals(channelId)) {
                fallbackChannels.add(target);
            }
            if (t.fallbackUserId() != null && !t.fallbackUserId().equals(recipient)) {
                channels.list(t.fallbackUserId()).stream()
                        .filter(Channel::enabled)
                        .filter(x -> !x.id().equals(channelId))
                        .forEach(x -> fallbackChannels.add(x.id()));
            }
            for (UUID fc : fallbackChannels) {
                Notification n = new Notification(
                        "warning",
                        correlation + ":warn:" + channelId + ":" + t.id() + ":" + fc,
                        correlation,
                        "On-call channel unreachable: " + (c == null ? channelId : c.name()) + " (" + owner + ")",
                        "high",
                        reason + "\nFix the channel or the person's notification rules, or arrange cover.",
                        List.of(),
                        null,
                        at,
                        Map.of("channel", channelId.toString(), "team", t.name()));
                deliveries.enqueue(
                        new DeliveryRequest(n.id(), correlation + ":warn", fc, null, n, clock.instant(), null, 0));
            }
        }
    }

    // --- reading

    private static final String SELECT = "select r.*, c.name as channel_name, c.type as channel_type,"
            + " p.name as user_name from oncall_check_results r left join notify_channels c on c.id = r.channel_id"
            + " left join oncall_people p on p.user_id = r.user_id";

    Optional<Result> result(UUID id) {
        return jdbc.sql(SELECT + " where r.id = ?")
                .param(id)
                .query(OutOfBandCheck::map)
                .optional();
    }

    List<Result> run(UUID runId) {
        return jdbc.sql(SELECT + " where r.run_id = ? order by r.created_at")
                .param(runId)
                .query(OutOfBandCheck::map)
                .list();
    }

    @Override
    public List<Result> latest() {
        return jdbc.sql("select * from (select distinct on (r.channel_id) r.*, c.name as channel_name,"
                        + " c.type as channel_type, p.name as user_name from oncall_check_results r"
                        + " left join notify_channels c on c.id = r.channel_id"
                        + " left join oncall_people p on p.user_id = r.user_id"
                        + " order by r.channel_id, r.created_at desc) x order by x.created_at desc")
                .query(OutOfBandCheck::map)
                .list();
    }

    @Override
    public List<Result> warnings() {
        return jdbc.sql("select * from (select distinct on (r.channel_id) r.*, c.name as channel_name,"
                        + " c.type as channel_type, p.name as user_name from oncall_check_results r"
                        + " left join notify_channels c on c.id = r.channel_id"
                        + " left join oncall_people p on p.user_id = r.user_id"
                        + " where r.status <> 'pending' and not (r.status = 'ok' and r.confirm_by is not null)"
                        + " order by r.channel_id, r.created_at desc) x"
                        + " where x.status in ('failed', 'unconfirmed') order by x.finished_at desc")
                .query(OutOfBandCheck::map)
                .list();
    }

    @Override
    public List<Result> history(Instant from, Instant to, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000");
        }
        return jdbc.sql(SELECT + " where r.created_at >= coalesce(cast(? as timestamptz), '-infinity'::timestamptz)"
                        + " and r.created_at < coalesce(cast(? as timestamptz), 'infinity'::timestamptz)"
                        + " order by r.created_at desc limit ?")
                .params(from == null ? null : Timestamp.from(from), to == null ? null : Timestamp.from(to), limit)
                .query(OutOfBandCheck::map)
                .list();
    }

    @Override
    public Instant lastRun() {
        return jdbc.sql("select max(created_at) from oncall_check_results")
                .query((rs, n) -> instant(rs, 1))
                .optional()
                .orElse(null);
    }

    private static Result map(ResultSet rs, int n) throws SQLException {
        return new Result(
                rs.getObject("id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getObject("channel_id", UUID.class),
                rs.getString("channel_name"),
                rs.getString("channel_type"),
                rs.getObject("user_id", UUID.class),
                rs.getString("user_name"),
                rs.getString("status"),
                rs.getString("detail"),
                instant(rs, "created_at"),
                instant(rs, "finished_at"),
                instant(rs, "confirm_by"),
                instant(rs, "confirmed_at"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
