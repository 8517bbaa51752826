package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;
import dev.vigil.server.oncall.EscalationStep.Target;
import dev.vigil.server.oncall.EscalationStep.TargetType;
import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageLogEntry;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.Rotation;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.oncall.TimeWindow;
import dev.vigil.server.testing.VigilServerTest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Escalation driven by a fake clock: every engine call takes the time explicitly, and the times used lie days in the
 * future so the real db-scheduler wake-ups (due at those times) never fire during the test. Assertions read the page
 * log and the delivery rows the steps created.
 */
@VigilServerTest
class EscalationTest {
    @Autowired
    EscalationEngine engine;

    @Autowired
    OnCallStore store;

    @Autowired
    DefaultPagingService paging;

    @Autowired
    ChannelService channels;

    @Autowired
    JdbcClient jdbc;

    /** A fake "now": a whole minute two days ahead. */
    static Instant t0() {
        return Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MINUTES);
    }

    UUID person(String name) {
        UUID id = store.savePerson(null, name + "-" + UUID.randomUUID(), null, "UTC")
                .userId();
        UUID ch = channels.create(new ChannelRequest(id, "rec", "test-record", "rec-" + id, null, true))
                .id();
        store.saveRules(id, false, List.of(new NotificationRule(ch, 0)));
        return id;
    }

    static EscalationStep notify(UUID... users) {
        return notifyIf(null, users);
    }

    /** A step notifying these people that runs only under {@code condition} (null: always). */
    static EscalationStep notifyIf(EscalationStep.Condition condition, UUID... users) {
        List<Target> t = new ArrayList<>();
        for (UUID u : users) {
            t.add(new Target(TargetType.USER, u));
        }
        return new EscalationStep(EscalationStep.Type.NOTIFY, t, null, null, null, null, null, condition);
    }

    EscalationPolicy policy(int repeat, UUID team, Integer reminder, EscalationStep... steps) {
        return store.savePolicy(
                null,
                PolicyValidation.normalise(new EscalationPolicy(
                        null,
                        "p-" + UUID.randomUUID(),
                        null,
                        team,
                        repeat,
                        0,
                        reminder,
                        null,
                        List.of(steps),
                        null,
                        null)));
    }

    UUID start(EscalationPolicy p, Severity severity, Instant at) {
        return engine.start(
                new PageRequest(
                        "test", UUID.randomUUID().toString(), "Disk on fire", "details", severity, p.id(), null),
                p,
                at);
    }

    List<PageLogEntry> log(UUID page, String kind) {
        return paging.history(page).orElseThrow().log().stream()
                .filter(e -> e.kind().equals(kind))
                .toList();
    }

    /** People notified by the page's escalation steps, in order. */
    @SuppressWarnings("unchecked")
    List<UUID> notified(UUID page) {
        List<UUID> out = new ArrayList<>();
        for (PageLogEntry e : log(page, "escalated")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) e.detail().get("recipients")) {
                out.add(UUID.fromString((String) r.get("user")));
            }
        }
        return out;
    }

    int deliveries(UUID page, String status) {
        return jdbc.sql("select count(*) from notify_deliveries where correlation = ? and status = ?")
                .params("page:" + page, status)
                .query(Integer.class)
                .single();
    }

    @Test
    void noAcknowledgementEscalatesAfterTwentyMinutesByDefault() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        EscalationPolicy p = policy(0, null, null, notify(ann), notify(bob));
        assertThat(p.ackTimeoutMinutes()).isEqualTo(20);
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        assertThat(notified(page)).containsExactly(ann);
        assertThat(deliveries(page, "pending")).isEqualTo(1);

        engine.advance(page, t0.plus(Duration.ofMinutes(19)).plusSeconds(59));
        assertThat(notified(page)).containsExactly(ann);

        engine.advance(page, t0.plus(Duration.ofMinutes(20)));
        assertThat(notified(page)).containsExactly(ann, bob);
        assertThat(paging.get(page).orElseThrow().nextActionAt()).isEqualTo(t0.plus(Duration.ofMinutes(40)));

        // a duplicate or stale wake-up changes nothing
        engine.advance(page, t0.plus(Duration.ofMinutes(20)));
        engine.advance(page, t0.plus(Duration.ofMinutes(30)));
        assertThat(notified(page)).containsExactly(ann, bob);

        engine.advance(page, t0.plus(Duration.ofMinutes(40)));
        Page done = paging.get(page).orElseThrow();
        assertThat(done.exhausted()).isTrue();
        assertThat(done.nextActionAt()).isNull();
        assertThat(done.status()).isEqualTo(PageStatus.TRIGGERED);
        assertThat(log(page, "exhausted")).hasSize(1);
    }

    @Test
    void acknowledgementBeforeTheTimeoutStopsEscalationAndCancelsPendingNotifications() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        EscalationPolicy p = policy(0, null, null, notify(ann), notify(bob));
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        engine.acknowledge(page, ann.toString(), ann, t0.plus(Duration.ofMinutes(5)));
        assertThat(deliveries(page, "cancelled")).isEqualTo(1);
        engine.advance(page, t0.plus(Duration.ofMinutes(20)));
        engine.advance(page, t0.plus(Duration.ofHours(5)));
        assertThat(notified(page)).containsExactly(ann);
        Page acked = paging.get(page).orElseThrow();
        assertThat(acked.status()).isEqualTo(PageStatus.ACKNOWLEDGED);
        assertThat(acked.acknowledgedBy()).isEqualTo(ann.toString());
        // acknowledging again is a no-op; resolving stops everything
        assertThat(engine.acknowledge(page, "other", null, t0.plus(Duration.ofMinutes(6)))
                        .acknowledgedBy())
                .isEqualTo(ann.toString());
        engine.resolve(page, "ann", t0.plus(Duration.ofMinutes(7)));
        assertThatThrownBy(() -> engine.acknowledge(page, "x", null, t0.plus(Duration.ofMinutes(8))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(paging.get(page).orElseThrow().nextActionAt()).isNull();
    }

    @Test
    void pageTeamUsesThePolicyOwnedByTheTeamAndEscalatesAfterTheDefaultTwentyMinutes() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        String name = "resp-" + UUID.randomUUID();
        OnCallTeam team = store.saveTeam(
                null, new OnCallTeam(null, name, List.of(ann, bob), null, List.of(), null, null, null, null, null));
        EscalationPolicy p = policy(0, team.id(), null, notify(ann), notify(bob));
        assertThat(p.ackTimeoutMinutes()).isEqualTo(20);
        assertThat(paging.policyForTeam(name))
                .get()
                .extracting(EscalationPolicy::id)
                .isEqualTo(p.id());
        assertThat(paging.policyForTeam(team.id().toString()))
                .get()
                .extracting(EscalationPolicy::id)
                .isEqualTo(p.id());
        assertThat(paging.policyForTeam(name.toUpperCase()))
                .get()
                .extracting(EscalationPolicy::id)
                .isEqualTo(p.id());

        String incident = UUID.randomUUID().toString();
        UUID page = paging.pageTeam(
                name, new PageRequest("incident", incident, "Intrusion", null, Severity.HIGH, null, null));
        assertThat(paging.pageTeam(
                        name, new PageRequest("incident", incident, "Intrusion", null, Severity.HIGH, null, null)))
                .as("an open page for the same incident is reused")
                .isEqualTo(page);
        Page started = paging.get(page).orElseThrow();
        assertThat(started.policy().id()).isEqualTo(p.id());
        engine.advance(page, started.createdAt()); // the first step (idempotent if its wake-up already ran)
        assertThat(notified(page)).containsExactly(ann);
        // with the fake clock: nothing more before the timeout, bob after 20 minutes
        engine.advance(page, started.createdAt().plus(Duration.ofMinutes(19)));
        assertThat(notified(page)).containsExactly(ann);
        engine.advance(page, started.createdAt().plus(Duration.ofMinutes(20)));
        assertThat(notified(page)).containsExactly(ann, bob);
        paging.resolve(page, "test");
    }

    @Test
    void thePolicyRepeatsUpToItsLimitThenTellsTheFallback() {
        UUID ann = person("ann");
        UUID fallback = person("fallback");
        OnCallTeam team = store.saveTeam(
                null,
                new OnCallTeam(
                        null,
                        "t-" + UUID.randomUUID(),
                        List.of(ann),
                        ZoneId.of("UTC"),
                        List.of(),
                        null,
                        fallback,
                        null,
                        null,
                        null));
        EscalationStep tenMinutes = new EscalationStep(
                EscalationStep.Type.NOTIFY,
                List.of(new Target(TargetType.USER, ann)),
                null,
                10,
                null,
                null,
                null,
                null);
        EscalationPolicy p = policy(2, team.id(), null, tenMinutes);
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        for (int i = 1; i <= 5; i++) {
            engine.advance(page, t0.plus(Duration.ofMinutes(10L * i)));
        }
        assertThat(notified(page)).containsExactly(ann, ann, ann); // first run + 2 repeats
        assertThat(log(page, "repeat")).hasSize(2);
        assertThat(log(page, "exhausted")).hasSize(1);
        assertThat(log(page, "fallback"))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("user", fallback.toString()));
        assertThat(jdbc.sql("select count(*) from notify_deliveries where correlation = ? and recipient = ?")
                        .params("page:" + page, fallback)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void businessHoursConditionsPickTheBranchInTheTeamsTimeZone() {
        UUID office = person("office");
        UUID night = person("night");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        OnCallTeam team = store.saveTeam(
                null,
                new OnCallTeam(
                        null,
                        "bh-" + UUID.randomUUID(),
                        List.of(office, night),
                        berlin,
                        List.of(TimeWindow.weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0))),
                        null,
                        null,
                        null,
                        null,
                        null));
        EscalationStep inside = notifyIf(new EscalationStep.Condition("inside", null, null), office);
        EscalationStep outside = notifyIf(new EscalationStep.Condition("outside", null, null), night);
        EscalationStep criticalOnly =
                notifyIf(new EscalationStep.Condition(null, List.of(), List.of(Severity.CRITICAL)), night);
        EscalationPolicy p = policy(0, team.id(), null, inside, outside, criticalOnly);

        LocalDate monday = LocalDate.now(berlin).plusDays(3).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        Instant mondayTen = ZonedDateTime.of(monday.atTime(10, 0), berlin).toInstant();
        UUID day = start(p, Severity.HIGH, mondayTen);
        for (int i = 1; i <= 3; i++) {
            engine.advance(day, mondayTen.plus(Duration.ofMinutes(20L * i)));
        }
        assertThat(notified(day)).containsExactly(office);
        assertThat(log(day, "step-skipped")).hasSize(2);

        Instant saturdayTen =
                ZonedDateTime.of(monday.plusDays(5).atTime(10, 0), berlin).toInstant();
        UUID weekend = start(p, Severity.CRITICAL, saturdayTen);
        for (int i = 1; i <= 3; i++) {
            engine.advance(weekend, saturdayTen.plus(Duration.ofMinutes(20L * i)));
        }
        assertThat(notified(weekend)).containsExactly(night, night);
        // critical pages use the important rules (none set: the default rules are used)
        assertThat(log(weekend, "escalated").getFirst().detail()).containsEntry("important", true);
    }

    @Test
    void thePolicyIsSnapshottedWhenPagingStarts() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        UUID cat = person("cat");
        EscalationPolicy p = policy(0, null, null, notify(ann), notify(bob));
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        store.savePolicy(
                p.id(),
                PolicyValidation.normalise(new EscalationPolicy(
                        p.id(), p.name(), null, null, 0, 20, null, null, List.of(notify(cat)), null, null)));
        engine.advance(page, t0.plus(Duration.ofMinutes(20)));
        assertThat(notified(page)).containsExactly(ann, bob);
    }

    @Test
    void unacknowledgeRestartsAtTheFirstStepAndRemindersGoToTheAcknowledger() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        EscalationPolicy p = policy(0, null, 30, notify(ann), notify(bob));
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        engine.acknowledge(page, ann.toString(), ann, t0.plus(Duration.ofMinutes(5)));
        engine.advance(page, t0.plus(Duration.ofMinutes(35)));
        assertThat(log(page, "reminder")).hasSize(1);
        assertThat(jdbc.sql("select count(*) from notify_deliveries where correlation = ? and kind = 'reminder'")
                        .param("page:" + page)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        engine.unacknowledge(page, "ann", t0.plus(Duration.ofMinutes(40)));
        assertThat(notified(page)).containsExactly(ann, ann);
        engine.advance(page, t0.plus(Duration.ofMinutes(60)));
        assertThat(notified(page)).containsExactly(ann, ann, bob);
    }

    @Test
    void scheduleTargetsPageWhoeverIsOnCallAndRoundRobinRotatesThroughATeam() {
        UUID ann = person("ann");
        UUID bob = person("bob");
        UUID cat = person("cat");
        Schedule s = store.saveSchedule(
                null,
                new Schedule(
                        null,
                        "sch-" + UUID.randomUUID(),
                        null,
                        ZoneId.of("UTC"),
                        null,
                        null,
                        List.of(new Layer(
                                "l",
                                0,
                                Rotation.daily(),
                                LocalDateTime.parse("2026-01-01T00:00"),
                                null,
                                List.of(ann, bob),
                                List.of(),
                                false)),
                        null,
                        null));
        OnCallTeam team = store.saveTeam(
                null,
                new OnCallTeam(
                        null,
                        "rr-" + UUID.randomUUID(),
                        List.of(ann, bob, cat),
                        ZoneId.of("UTC"),
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        null));
        EscalationStep schedule = new EscalationStep(
                EscalationStep.Type.NOTIFY,
                List.of(new Target(TargetType.SCHEDULE, s.id())),
                null,
                null,
                null,
                null,
                null,
                null);
        EscalationStep rr = new EscalationStep(
                EscalationStep.Type.NOTIFY,
                List.of(new Target(TargetType.TEAM, team.id())),
                EscalationStep.Mode.ROUND_ROBIN,
                null,
                null,
                null,
                null,
                null);
        EscalationPolicy p = policy(0, null, null, schedule, rr);
        Instant t0 = t0();
        UUID expected = new ScheduleResolver(s, java.util.Set.of(), List.of(), List.of())
                .at(t0)
                .userId();
        List<UUID> second = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID page = start(p, Severity.HIGH, t0);
            engine.advance(page, t0.plus(Duration.ofMinutes(20)));
            List<UUID> n = notified(page);
            assertThat(n.getFirst()).isEqualTo(expected);
            second.add(n.get(1));
        }
        assertThat(second).containsExactlyInAnyOrder(ann, bob, cat);
    }

    @Test
    void concurrentWakeUpsRunAStepOnce() throws Exception {
        UUID ann = person("ann");
        UUID bob = person("bob");
        EscalationPolicy p = policy(0, null, null, notify(ann), notify(bob));
        Instant t0 = t0();
        UUID page = start(p, Severity.HIGH, t0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> {
                    engine.advance(page, t0.plus(Duration.ofMinutes(20)));
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(calls)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(notified(page)).containsExactly(ann, bob);
        assertThat(jdbc.sql("select count(*) from notify_deliveries where correlation = ? and recipient = ?")
                        .params("page:" + page, bob)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aSecondTriggerForAnOpenSubjectReturnsTheSamePage() {
        UUID ann = person("ann");
        EscalationPolicy p = policy(0, null, null, notify(ann));
        Instant t0 = t0();
        PageRequest r = new PageRequest("test", "dup-" + UUID.randomUUID(), "x", null, Severity.HIGH, p.id(), null);
        UUID a = engine.start(r, p, t0);
        UUID b = engine.start(r, p, t0.plusSeconds(5));
        assertThat(b).isEqualTo(a);
        engine.resolve(a, "test", t0.plusSeconds(10));
        assertThat(engine.start(r, p, t0.plusSeconds(20))).isNotEqualTo(a);
    }
}
