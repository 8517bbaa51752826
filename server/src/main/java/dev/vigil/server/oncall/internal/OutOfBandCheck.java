package dev.vigil.server.oncall.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.DeliveryFailed;
import dev.vigil.server.notify.DeliveryRequest;
import dev.vigil.server.notify.DeliverySucceeded;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Person;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The out-of-band check (SAMM IM3-B, "detect and correct unavailability"): on a schedule (default daily) a test
 * notification goes to every enabled channel of every person on call now and to every shared channel. A failed test
 * (permanent, or transient until the retry limit) becomes a warning ({@code GET /api/v1/oncall/warnings}, the
 * dashboard) and is sent to the fallback contact of the person's teams; a later successful test clears it.
 */
@Component
class OutOfBandCheck {
    private static final Logger log = LoggerFactory.getLogger(OutOfBandCheck.class);
    static final String PREFIX = "check:";

    private final JdbcClient jdbc;
    private final ScheduleQueries schedules;
    private final ChannelService channels;
    private final Deliveries deliveries;
    private final OnCallStore store;
    private final Clock clock;

    OutOfBandCheck(
            JdbcClient jdbc,
            ScheduleQueries schedules,
            ChannelService channels,
            Deliveries deliveries,
            OnCallStore store,
            Clock clock) {
        this.jdbc = jdbc;
        this.schedules = schedules;
        this.channels = channels;
        this.deliveries = deliveries;
        this.store = store;
        this.clock = clock;
    }

    /** Sends one round of test notifications; returns the run id. */
    @Transactional
    UUID run() {
        UUID run = UUID.randomUUID();
        Instant now = clock.instant();
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
            String name = c.userId() == null
                    ? null
                    : store.person(c.userId()).map(Person::name).orElse(null);
            Notification n = new Notification(
                    "test",
                    PREFIX + run + ":" + c.id(),
                    PREFIX + run,
                    "Vigil test notification (out-of-band check)",
                    null,
                    "This is a scheduled test of the channel '" + c.name()
                            + "'. Nothing to do: Vigil checks that it can reach you while you are on call.",
                    List.of(),
                    name,
                    now,
                    Map.of("channel", c.id().toString()));
            UUID delivery = deliveries.enqueue(new DeliveryRequest(
                    PREFIX + run + ":" + c.id(), PREFIX + run, c.id(), c.userId(), n, now, null, 0));
            jdbc.sql("insert into oncall_check_results (id, run_id, channel_id, user_id, delivery_id, status,"
                            + " created_at) values (?, ?, ?, ?, ?, 'pending', ?)")
                    .params(UUID.randomUUID(), run, c.id(), c.userId(), delivery, Timestamp.from(now))
                    .update();
        }
        log.info(
                "Out-of-band check {}: {} test notifications to {} people on call and shared channels",
                run,
                seen.size(),
                people.size());
        return run;
    }

    @ApplicationModuleListener
    void on(DeliverySucceeded e) {
        if (e.correlation().startsWith(PREFIX)) {
            finish(e.deliveryId(), "ok", null, e.at());
        }
    }

    @ApplicationModuleListener
    void on(DeliveryFailed e) {
        if (!e.correlation().startsWith(PREFIX)) {
            return;
        }
        finish(e.deliveryId(), "failed", e.reason(), e.at());
        warnFallback(e);
    }

    private void finish(UUID delivery, String status, String detail, Instant at) {
        jdbc.sql("update oncall_check_results set status = ?, detail = ?, finished_at = ? where delivery_id = ?")
                .params(status, detail, Timestamp.from(at), delivery)
                .update();
    }

    /** Tells the fallback contacts of the teams of the channel's owner (or of every team, for shared channels). */
    private void warnFallback(DeliveryFailed e) {
        Channel c = channels.get(e.channelId()).orElse(null);
        String owner = e.recipient() == null
                ? "shared channel"
                : store.person(e.recipient()).map(Person::name).orElse(String.valueOf(e.recipient()));
        for (OnCallTeam t : store.teams()) {
            if (e.recipient() != null && !t.members().contains(e.recipient())) {
                continue;
            }
            UUID target = t.fallbackChannelId();
            List<UUID> fallbackChannels = new ArrayList<>();
            if (target != null && !target.equals(e.channelId())) {
                fallbackChannels.add(target);
            }
            if (t.fallbackUserId() != null && !t.fallbackUserId().equals(e.recipient())) {
                channels.list(t.fallbackUserId()).stream()
                        .filter(Channel::enabled)
                        .filter(x -> !x.id().equals(e.channelId()))
                        .forEach(x -> fallbackChannels.add(x.id()));
            }
            for (UUID fc : fallbackChannels) {
                Notification n = new Notification(
                        "warning",
                        e.correlation() + ":warn:" + e.channelId() + ":" + t.id() + ":" + fc,
                        e.correlation(),
                        "On-call channel unreachable: " + (c == null ? e.channelId() : c.name()) + " (" + owner + ")",
                        "high",
                        "The scheduled test notification failed: " + e.reason()
                                + "\nFix the channel or the person's notification rules, or arrange cover.",
                        List.of(),
                        null,
                        e.at(),
                        Map.of("channel", e.channelId().toString(), "team", t.name()));
                deliveries.enqueue(
                        new DeliveryRequest(n.id(), e.correlation() + ":warn", fc, null, n, clock.instant(), null, 0));
            }
        }
    }

    /** Channels whose latest finished test failed. */
    List<Map<String, Object>> warnings() {
        return jdbc
                .sql("select distinct on (r.channel_id) r.channel_id, r.user_id, r.status, r.detail, r.finished_at,"
                        + " c.name as channel_name, c.type as channel_type, p.name as user_name"
                        + " from oncall_check_results r left join notify_channels c on c.id = r.channel_id"
                        + " left join oncall_people p on p.user_id = r.user_id"
                        + " where r.status <> 'pending' order by r.channel_id, r.finished_at desc")
                .query((rs, n) -> {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("channelId", rs.getObject("channel_id", UUID.class));
                    m.put("channelName", rs.getString("channel_name"));
                    m.put("channelType", rs.getString("channel_type"));
                    m.put("userId", rs.getObject("user_id", UUID.class));
                    m.put("userName", rs.getString("user_name"));
                    m.put("status", rs.getString("status"));
                    m.put("detail", rs.getString("detail"));
                    m.put("checkedAt", rs.getTimestamp("finished_at").toInstant());
                    return m;
                })
                .list()
                .stream()
                .filter(m -> "failed".equals(m.get("status")))
                .toList();
    }
}
