package dev.vigil.server.oncall.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.DeliveryRequest;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageEvents;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.oncall.TimeWindow;
import dev.vigil.server.platform.DurableTimers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The escalation state machine. All state is the page row ({@code status, epoch, round, step, next_action_at}); a
 * db-scheduler task {@value #TASK} ({@code <page id>/<due millis>}) only wakes the engine up at {@code
 * next_action_at}, and a sweep every minute catches anything overdue. Every transition runs in one transaction that
 * locks the page row ({@code for update}), re-checks that the action is due, runs the step, writes its log line with
 * a unique step key (epoch, round, step), enqueues the deliveries (unique dedup keys) and schedules the next wake-up —
 * so a crash rolls the whole step back, a retried or duplicated wake-up finds nothing due, and two instances never
 * run the same step.
 *
 * <p>Time: every method takes {@code now}; the next step's time is computed from the step's <em>due</em> time (not
 * from when the wake-up happened to run), so escalation does not drift and a test can drive it with a fake clock.
 */
@Component
class EscalationEngine {
    static final String TASK = "oncall-escalation";
    private static final Logger log = LoggerFactory.getLogger(EscalationEngine.class);
    private static final int MAX_STEPS_PER_RUN = 200;

    private final JdbcClient jdbc;
    private final OnCallStore store;
    private final PageRepository pages;
    private final ScheduleQueries schedules;
    private final Deliveries deliveries;
    private final ChannelService channels;
    private final ActionLinks links;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final ApplicationEventPublisher events;

    EscalationEngine(
            JdbcClient jdbc,
            OnCallStore store,
            PageRepository pages,
            ScheduleQueries schedules,
            Deliveries deliveries,
            ChannelService channels,
            ActionLinks links,
            ObjectProvider<SchedulerClient> scheduler,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.store = store;
        this.pages = pages;
        this.schedules = schedules;
        this.deliveries = deliveries;
        this.channels = channels;
        this.links = links;
        this.scheduler = scheduler;
        this.events = events;
    }

    // --- commands

    @Transactional
    UUID start(PageRequest r, EscalationPolicy policy, Instant now) {
        Optional<UUID> open = pages.openFor(r.subjectType(), r.subjectId());
        if (open.isPresent()) {
            return open.get();
        }
        Optional<UUID> id = pages.insert(r, policy, now);
        if (id.isEmpty()) {
            return pages.openFor(r.subjectType(), r.subjectId()).orElseThrow();
        }
        UUID pageId = id.get();
        pages.log(
                pageId,
                now,
                "triggered",
                null,
                Map.of("policy", policy.name(), "severity", r.severity().id()),
                null);
        events.publishEvent(new PageEvents.PageTriggered(pageId, r.subjectType(), r.subjectId(), r.severity(), now));
        advanceLocked(pageId, now);
        return pageId;
    }

    @Transactional
    Page acknowledge(UUID pageId, String by, UUID byUser, Instant now) {
        Page p = pages.lock(pageId).orElseThrow(() -> new java.util.NoSuchElementException("no page " + pageId));
        if (p.status() == PageStatus.RESOLVED) {
            throw new IllegalStateException("the page is already resolved");
        }
        if (p.status() == PageStatus.ACKNOWLEDGED) {
            return p;
        }
        Instant next = afterAck(p.policy(), now);
        jdbc.sql("update oncall_pages set status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?,"
                        + " acknowledged_by_user = ?, next_action_at = ? where id = ?")
                .params(Timestamp.from(now), by, byUser, ts(next), pageId)
                .update();
        int cancelled = deliveries.cancel(correlation(pageId));
        pages.log(pageId, now, "acknowledged", by, Map.of("cancelledDeliveries", cancelled), null);
        events.publishEvent(new PageEvents.PageAcknowledged(pageId, p.subjectType(), p.subjectId(), by, now));
        wakeUpAt(pageId, next);
        return pages.get(pageId).orElseThrow();
    }

    @Transactional
    Page unacknowledge(UUID pageId, String by, Instant now) {
        Page p = pages.lock(pageId).orElseThrow(() -> new java.util.NoSuchElementException("no page " + pageId));
        if (p.status() != PageStatus.ACKNOWLEDGED) {
            throw new IllegalStateException("only an acknowledged page can be un-acknowledged");
        }
        retrigger(p, now);
        pages.log(pageId, now, "unacknowledged", by, Map.of(), null);
        events.publishEvent(new PageEvents.PageUnacknowledged(pageId, p.subjectType(), p.subjectId(), by, now));
        advanceLocked(pageId, now);
        return pages.get(pageId).orElseThrow();
    }

    @Transactional
    Page resolve(UUID pageId, String by, Instant now) {
        Page p = pages.lock(pageId).orElseThrow(() -> new java.util.NoSuchElementException("no page " + pageId));
        if (p.status() == PageStatus.RESOLVED) {
            return p;
        }
        jdbc.sql("update oncall_pages set status = 'resolved', resolved_at = ?, resolved_by = ?, next_action_at = null"
                        + " where id = ?")
                .params(Timestamp.from(now), by, pageId)
                .update();
        int cancelled = deliveries.cancel(correlation(pageId));
        pages.log(pageId, now, "resolved", by, Map.of("cancelledDeliveries", cancelled), null);
        events.publishEvent(new PageEvents.PageResolved(pageId, p.subjectType(), p.subjectId(), by, now));
        return pages.get(pageId).orElseThrow();
    }

    /** The wake-up: runs whatever is due at {@code now}. Idempotent. */
    @Transactional
    void advance(UUID pageId, Instant now) {
        if (pages.lock(pageId).isPresent()) {
            advanceLocked(pageId, now);
        }
    }

    // --- the state machine (page row locked by the caller)

    private void advanceLocked(UUID pageId, Instant now) {
        Page p = pages.get(pageId).orElseThrow();
        if (p.status() == PageStatus.RESOLVED
                || p.nextActionAt() == null
                || p.nextActionAt().isAfter(now)) {
            return;
        }
        // base time: the due time, unless the wake-up is very late (after an outage): then now, so that the
        // remaining steps keep their spacing instead of all firing at once
        Instant due = p.nextActionAt();
        Instant base = Duration.between(due, now).compareTo(Duration.ofMinutes(1)) > 0 ? now : due;
        if (p.status() == PageStatus.ACKNOWLEDGED) {
            acknowledgedDue(p, base, now);
            return;
        }
        EscalationPolicy policy = p.policy();
        int round = p.round();
        int step = p.step();
        Instant next = null;
        boolean exhausted = false;
        for (int guard = 0; guard < MAX_STEPS_PER_RUN; guard++) {
            if (step >= policy.steps().size()) {
                if (round < policy.repeat() && !policy.steps().isEmpty()) {
                    round++;
                    step = 0;
                    pages.log(pageId, base, "repeat", null, Map.of("round", round), key(p.epoch(), round, -1));
                    continue;
                }
                exhausted = true;
                exhaust(p, base);
                break;
            }
            EscalationStep s = policy.steps().get(step);
            String key = key(p.epoch(), round, step);
            if (!applies(s, p, policy, base)) {
                pages.log(pageId, base, "step-skipped", null, Map.of("step", step, "round", round), key);
                step++;
                continue;
            }
            switch (s.type()) {
                case NOTIFY -> {
                    notifyStep(p, policy, s, round, step, key, base);
                    int timeout = s.timeoutMinutes() != null ? s.timeoutMinutes() : policy.ackTimeoutMinutes();
                    next = base.plus(Duration.ofMinutes(timeout));
                    step++;
                }
                case WAIT -> {
                    pages.log(pageId, base, "wait", null, Map.of("minutes", s.minutes()), key);
                    next = base.plus(Duration.ofMinutes(s.minutes()));
                    step++;
                }
                case WEBHOOK -> {
                    webhookStep(p, s, key, base);
                    step++;
                }
            }
            if (next != null) {
                break;
            }
        }
        jdbc.sql("update oncall_pages set round = ?, step = ?, next_action_at = ?, exhausted = ? where id = ?")
                .params(round, step, ts(next), exhausted, pageId)
                .update();
        wakeUpAt(pageId, next);
    }

    private void acknowledgedDue(Page p, Instant base, Instant now) {
        EscalationPolicy policy = p.policy();
        if (policy.reackAfterMinutes() != null
                && !now.isBefore(p.acknowledgedAt().plus(Duration.ofMinutes(policy.reackAfterMinutes())))) {
            retrigger(p, base);
            pages.log(p.id(), base, "ack-expired", null, Map.of("after", policy.reackAfterMinutes()), null);
            events.publishEvent(
                    new PageEvents.PageUnacknowledged(p.id(), p.subjectType(), p.subjectId(), "ack timeout", base));
            advanceLocked(p.id(), now);
            return;
        }
        if (policy.reminderMinutes() != null) {
            UUID who = pages.acknowledgedByUser(p.id());
            int n = pages.countLog(p.id(), "reminder") + 1;
            if (who != null) {
                List<String> sent = notifyPerson(p, who, "reminder", "e" + p.epoch() + ":reminder" + n, base, false);
                pages.log(p.id(), base, "reminder", null, Map.of("user", who.toString(), "deliveries", sent), null);
            } else {
                pages.log(p.id(), base, "reminder", null, Map.of("skipped", "acknowledged without a known user"), null);
            }
        }
        Instant next = afterAck(policy, base);
        if (policy.reackAfterMinutes() != null) {
            Instant expiry = p.acknowledgedAt().plus(Duration.ofMinutes(policy.reackAfterMinutes()));
            next = next == null || expiry.isBefore(next) ? expiry : next;
        }
        jdbc.sql("update oncall_pages set next_action_at = ? where id = ?")
                .params(ts(next), p.id())
                .update();
        wakeUpAt(p.id(), next);
    }

    private void retrigger(Page p, Instant at) {
        jdbc.sql("update oncall_pages set status = 'triggered', epoch = epoch + 1, round = 0, step = 0,"
                        + " next_action_at = ?, exhausted = false, acknowledged_at = null, acknowledged_by = null,"
                        + " acknowledged_by_user = null where id = ?")
                .params(Timestamp.from(at), p.id())
                .update();
    }

    private static Instant afterAck(EscalationPolicy policy, Instant from) {
        Instant next = null;
        if (policy.reminderMinutes() != null) {
            next = from.plus(Duration.ofMinutes(policy.reminderMinutes()));
        }
        if (policy.reackAfterMinutes() != null) {
            Instant expiry = from.plus(Duration.ofMinutes(policy.reackAfterMinutes()));
            next = next == null || expiry.isBefore(next) ? expiry : next;
        }
        return next;
    }

    boolean applies(EscalationStep s, Page p, EscalationPolicy policy, Instant at) {
        EscalationStep.Condition c = s.when();
        if (c == null) {
            return true;
        }
        if (!c.severities().isEmpty() && !c.severities().contains(p.severity())) {
            return false;
        }
        Optional<OnCallTeam> team = store.team(policy.teamId());
        java.time.ZoneId zone = team.map(OnCallTeam::timeZone).orElse(java.time.ZoneId.of("UTC"));
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        if (!c.weekdays().isEmpty() && !c.weekdays().contains(local.getDayOfWeek())) {
            return false;
        }
        if (c.businessHours() != null && !c.businessHours().equals("any")) {
            boolean inside = businessHours(team, local);
            return c.businessHours().equals("inside") == inside;
        }
        return true;
    }

    /** Team business hours (default Monday–Friday 09:00–17:00) minus the team's holidays. */
    boolean businessHours(Optional<OnCallTeam> team, LocalDateTime local) {
        List<TimeWindow> windows = team.map(OnCallTeam::businessHours)
                .filter(w -> !w.isEmpty())
                .orElse(List.of(TimeWindow.weekdays(java.time.LocalTime.of(9, 0), java.time.LocalTime.of(17, 0))));
        if (team.isPresent()
                && store.holidayDates(team.get().holidayCalendarId()).contains(local.toLocalDate())) {
            return false;
        }
        return TimeWindow.anyContains(windows, local);
    }

    private void notifyStep(
            Page p, EscalationPolicy policy, EscalationStep s, int round, int step, String key, Instant at) {
        List<UUID> recipients = new ArrayList<>();
        List<Map<String, Object>> gaps = new ArrayList<>();
        List<List<UUID>> groups = new ArrayList<>();
        for (EscalationStep.Target t : s.targets()) {
            switch (t.type()) {
                case USER -> groups.add(List.of(t.id()));
                case SCHEDULE -> {
                    Optional<Schedule> sch = store.schedule(t.id());
                    if (sch.isEmpty()) {
                        gaps.add(Map.of("schedule", t.id().toString(), "problem", "schedule deleted"));
                        continue;
                    }
                    UUID who = schedules
                            .resolver(sch.get(), at, at.plusSeconds(1))
                            .at(at)
                            .userId();
                    if (who == null) {
                        UUID fallback = fallbackFor(sch.get());
                        gaps.add(Map.of(
                                "schedule", sch.get().name(),
                                "problem", "nobody on call",
                                "fallback", String.valueOf(fallback)));
                        if (fallback != null) {
                            groups.add(List.of(fallback));
                        }
                    } else {
                        groups.add(List.of(who));
                    }
                }
                case TEAM ->
                    store.team(t.id())
                            .ifPresentOrElse(
                                    team -> groups.add(team.members()),
                                    () -> gaps.add(Map.of("team", t.id().toString(), "problem", "team deleted")));
            }
        }
        if (s.mode() == EscalationStep.Mode.ROUND_ROBIN) {
            Set<UUID> all = new LinkedHashSet<>();
            groups.forEach(all::addAll);
            if (!all.isEmpty()) {
                List<UUID> list = new ArrayList<>(all);
                int n = pages.nextRoundRobin(policy.id() == null ? p.id() : policy.id(), step);
                recipients.add(list.get(Math.floorMod(n, list.size())));
            }
        } else {
            Set<UUID> all = new LinkedHashSet<>();
            groups.forEach(all::addAll);
            recipients.addAll(all);
        }
        boolean important = p.severity() == Severity.CRITICAL || Boolean.TRUE.equals(s.important());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("round", round);
        detail.put("step", step);
        detail.put("important", important);
        List<Map<String, Object>> who = new ArrayList<>();
        for (UUID user : recipients) {
            List<String> sent = notifyPerson(p, user, "page", key, at, important);
            who.add(Map.of("user", user.toString(), "name", name(user), "deliveries", sent));
        }
        detail.put("recipients", who);
        if (!gaps.isEmpty()) {
            detail.put("gaps", gaps);
        }
        if (!pages.log(p.id(), at, "escalated", null, detail, key)) {
            throw new IllegalStateException("step " + key + " of page " + p.id() + " already ran");
        }
        if (recipients.isEmpty()) {
            log.warn("Page {} step {}: nobody to notify {}", p.id(), key, gaps);
            notifyFallback(p, policy, "nobody to notify at step " + (step + 1), key + ":fallback", at);
        }
        events.publishEvent(
                new PageEvents.PageEscalated(p.id(), p.subjectType(), p.subjectId(), round, step, recipients, at));
    }

    private UUID fallbackFor(Schedule s) {
        if (s.fallbackUserId() != null) {
            return s.fallbackUserId();
        }
        return store.team(s.teamId()).map(OnCallTeam::fallbackUserId).orElse(null);
    }

    /**
     * Notifies one person by their notification rules (important or default set); returns the delivery ids. Without
     * rules, every enabled channel of the person gets it at once; without channels it is logged and the fallback of
     * the policy's team is told.
     */
    List<String> notifyPerson(Page p, UUID user, String kind, String key, Instant at, boolean important) {
        List<NotificationRule> rules = store.rules(user, important);
        if (rules.isEmpty() && important) {
            rules = store.rules(user, false);
        }
        if (rules.isEmpty()) {
            for (Channel c : channels.list(user)) {
                if (c.enabled()) {
                    rules.add(new NotificationRule(c.id(), 0));
                }
            }
        }
        List<String> ids = new ArrayList<>();
        if (rules.isEmpty()) {
            pages.log(
                    p.id(),
                    at,
                    "no-contact",
                    null,
                    Map.of("user", user.toString(), "name", name(user)),
                    key + ":" + user + ":no-contact");
            notifyFallback(p, p.policy(), name(user) + " has no notification channel", key + ":" + user + ":nc", at);
            return ids;
        }
        Optional<Person> person = store.person(user);
        List<Notification.Link> actions = new ArrayList<>();
        if (!"resolved".equals(kind)) {
            actions.add(new Notification.Link("Acknowledge", links.create(p.id(), "acknowledge", user, at), true));
            actions.add(new Notification.Link("Resolve", links.create(p.id(), "resolve", user, at), true));
        }
        for (PageRequest.PageLink l : p.links()) {
            actions.add(new Notification.Link(l.label(), l.url(), false));
        }
        Notification n = new Notification(
                kind,
                "page:" + p.id() + ":" + key + ":" + user,
                correlation(p.id()),
                ("reminder".equals(kind) ? "Reminder (acknowledged, not resolved): " : "") + p.title(),
                p.severity().id(),
                p.summary() == null ? "" : p.summary(),
                actions,
                person.map(Person::name).orElse(null),
                at,
                Map.of(
                        "pageId", p.id().toString(),
                        "subjectType", p.subjectType(),
                        "subjectId", p.subjectId(),
                        "status", p.status().id()));
        String group = "page:" + p.id() + ":" + key + ":" + user;
        for (int i = 0; i < rules.size(); i++) {
            NotificationRule r = rules.get(i);
            if (channels.get(r.channelId()).isEmpty()) {
                continue;
            }
            UUID d = deliveries.enqueue(new DeliveryRequest(
                    group + ":" + i,
                    correlation(p.id()),
                    r.channelId(),
                    user,
                    n,
                    at.plus(Duration.ofMinutes(r.delayMinutes())),
                    group,
                    i));
            ids.add(d.toString());
        }
        return ids;
    }

    private void webhookStep(Page p, EscalationStep s, String key, Instant at) {
        Notification n = new Notification(
                "page",
                "page:" + p.id() + ":" + key + ":webhook",
                correlation(p.id()),
                p.title(),
                p.severity().id(),
                p.summary() == null ? "" : p.summary(),
                p.links().stream()
                        .map(l -> new Notification.Link(l.label(), l.url(), false))
                        .toList(),
                null,
                at,
                Map.of("pageId", p.id().toString(), "subjectType", p.subjectType(), "subjectId", p.subjectId()));
        if (channels.get(s.channelId()).isEmpty()) {
            pages.log(p.id(), at, "webhook", null, Map.of("problem", "channel " + s.channelId() + " deleted"), key);
            return;
        }
        UUID d = deliveries.enqueue(new DeliveryRequest(
                "page:" + p.id() + ":" + key + ":webhook", correlation(p.id()), s.channelId(), null, n, at, null, 0));
        pages.log(
                p.id(),
                at,
                "webhook",
                null,
                Map.of("channel", s.channelId().toString(), "delivery", d.toString()),
                key);
    }

    private void exhaust(Page p, Instant at) {
        if (!pages.log(p.id(), at, "exhausted", null, Map.of(), "e" + p.epoch() + ":exhausted")) {
            return;
        }
        notifyFallback(p, p.policy(), "escalation exhausted without acknowledgement", "e" + p.epoch() + ":exh", at);
        events.publishEvent(new PageEvents.PageExhausted(p.id(), p.subjectType(), p.subjectId(), at));
    }

    /** Tells the policy team's fallback user (and fallback channel) about a problem with this page. */
    private void notifyFallback(Page p, EscalationPolicy policy, String why, String key, Instant at) {
        Optional<OnCallTeam> team = store.team(policy.teamId());
        UUID user = team.map(OnCallTeam::fallbackUserId).orElse(null);
        UUID channel = team.map(OnCallTeam::fallbackChannelId).orElse(null);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("reason", why);
        if (user != null) {
            detail.put("user", user.toString());
            detail.put("deliveries", notifyPerson(p, user, "page", key + ":fb", at, true));
        }
        if (channel != null && channels.get(channel).isPresent()) {
            Notification n = new Notification(
                    "fallback",
                    "page:" + p.id() + ":" + key + ":fbc",
                    correlation(p.id()),
                    "Fallback: " + p.title(),
                    p.severity().id(),
                    why,
                    List.of(),
                    null,
                    at,
                    Map.of("pageId", p.id().toString()));
            detail.put("channel", channel.toString());
            deliveries.enqueue(new DeliveryRequest(
                    "page:" + p.id() + ":" + key + ":fbc", correlation(p.id()), channel, null, n, at, null, 0));
        }
        if (user == null && channel == null) {
            detail.put("problem", "no fallback contact configured");
            log.warn("Page {}: {} and no fallback contact is configured", p.id(), why);
        }
        pages.log(p.id(), at, "fallback", null, detail, key + ":fallback-log");
    }

    private String name(UUID user) {
        return store.person(user).map(Person::name).orElse(user.toString());
    }

    void wakeUpAt(UUID pageId, Instant at) {
        if (at != null) {
            DurableTimers.wakeUpAt(scheduler, TASK, pageId, at);
        }
    }

    static String correlation(UUID pageId) {
        return "page:" + pageId;
    }

    private static String key(int epoch, int round, int step) {
        return "e" + epoch + ":r" + round + ":s" + step;
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
