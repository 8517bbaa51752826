package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.Rotation;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.oncall.Shift;
import dev.vigil.server.oncall.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * "Who is on call at T" across both DST transitions in a European and a US zone, in zones with 30-minute offsets
 * (with and without DST), and with overrides, swaps, leave, restrictions, holidays and layer priorities.
 */
class ScheduleResolverTest {
    static final UUID ANN = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID BOB = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID CAT = UUID.fromString("00000000-0000-0000-0000-00000000000c");
    static final UUID DAN = UUID.fromString("00000000-0000-0000-0000-00000000000d");

    static Schedule schedule(String zone, Layer... layers) {
        return new Schedule(UUID.randomUUID(), "s", null, ZoneId.of(zone), null, null, List.of(layers), null, null);
    }

    static Layer layer(String name, int priority, Rotation r, String start, UUID... people) {
        return new Layer(name, priority, r, LocalDateTime.parse(start), null, List.of(people), List.of(), false);
    }

    static ScheduleResolver resolver(Schedule s) {
        return new ScheduleResolver(s, Set.of(), List.of(), List.of());
    }

    static Instant local(String zone, String localDateTime) {
        return ZonedDateTime.ofLocal(LocalDateTime.parse(localDateTime), ZoneId.of(zone), null)
                .toInstant();
    }

    static UUID who(ScheduleResolver r, Instant t) {
        return r.at(t).userId();
    }

    @Test
    void dailyHandoffStaysAtNineLocalAcrossBothBerlinTransitions() {
        String z = "Europe/Berlin";
        ScheduleResolver r = resolver(schedule(z, layer("primary", 0, Rotation.daily(), "2026-03-01T09:00", ANN, BOB)));
        // 2026-03-29: clocks go 02:00 -> 03:00 (CET -> CEST). The shift from 28 Mar 09:00 to 29 Mar 09:00 is 23 h.
        UUID before = who(r, local(z, "2026-03-29T08:59:59"));
        UUID after = who(r, local(z, "2026-03-29T09:00"));
        assertThat(before).isNotEqualTo(after);
        assertThat(Duration.between(local(z, "2026-03-28T09:00"), local(z, "2026-03-29T09:00")))
                .isEqualTo(Duration.ofHours(23));
        List<Shift> spring = r.timeline(local(z, "2026-03-28T00:00"), local(z, "2026-03-31T00:00"));
        assertThat(spring)
                .extracting(s -> Duration.between(s.start(), s.end()).toHours())
                .containsExactly(9L, 23L, 24L, 15L);
        // 2026-10-25: clocks go 03:00 -> 02:00. That shift is 25 h; handoff still 09:00 local.
        List<Shift> autumn = r.timeline(local(z, "2026-10-24T09:00"), local(z, "2026-10-26T09:00"));
        assertThat(autumn).hasSize(2);
        assertThat(Duration.between(autumn.get(0).start(), autumn.get(0).end())).isEqualTo(Duration.ofHours(25));
        assertThat(ZonedDateTime.ofInstant(autumn.get(1).start(), ZoneId.of(z)).toLocalTime())
                .isEqualTo(LocalTime.of(9, 0));
        // alternation is by calendar day: 1 Mar is Ann's (day 0), so 29 Mar (day 28) is Ann's, 25 Oct (day 238) Ann's
        assertThat(after).isEqualTo(ANN);
        assertThat(who(r, local(z, "2026-10-25T12:00"))).isEqualTo(ANN);
        assertThat(who(r, local(z, "2026-10-26T08:59"))).isEqualTo(ANN);
        assertThat(who(r, local(z, "2026-10-26T09:00"))).isEqualTo(BOB);
    }

    @Test
    void weeklyHandoffInNewYorkKeepsMondayTenAmAcrossBothTransitions() {
        String z = "America/New_York";
        ScheduleResolver r =
                resolver(schedule(z, layer("week", 0, Rotation.weekly(), "2026-01-05T10:00", ANN, BOB, CAT)));
        // DST starts Sunday 8 Mar 2026 02:00 -> 03:00: the week 2-9 Mar is 167 h.
        List<Shift> march = r.timeline(local(z, "2026-03-02T10:00"), local(z, "2026-03-16T10:00"));
        assertThat(march)
                .extracting(s -> Duration.between(s.start(), s.end()).toHours())
                .containsExactly(167L, 168L);
        // weeks since 5 Jan: 2 Mar = week 8 -> CAT (8 mod 3 = 2), 9 Mar = week 9 -> ANN
        assertThat(march).extracting(Shift::userId).containsExactly(CAT, ANN);
        assertThat(who(r, local(z, "2026-03-09T09:59"))).isEqualTo(CAT);
        assertThat(who(r, local(z, "2026-03-09T10:00"))).isEqualTo(ANN);
        // DST ends Sunday 1 Nov 2026 02:00 -> 01:00: the week 26 Oct - 2 Nov is 169 h.
        List<Shift> nov = r.timeline(local(z, "2026-10-26T10:00"), local(z, "2026-11-02T10:00"));
        assertThat(nov).hasSize(1);
        assertThat(Duration.between(nov.get(0).start(), nov.get(0).end())).isEqualTo(Duration.ofHours(169));
        // the ambiguous hour 01:30 happens twice on 1 Nov; both instants belong to the same shift
        Instant firstOneThirty = Instant.parse("2026-11-01T05:30:00Z");
        Instant secondOneThirty = Instant.parse("2026-11-01T06:30:00Z");
        assertThat(who(r, firstOneThirty)).isEqualTo(who(r, secondOneThirty));
    }

    @Test
    void hourlyRotationCountsElapsedHoursSoTheFallBackDayHasTwentyFiveShifts() {
        String z = "Europe/Berlin";
        ScheduleResolver r =
                resolver(schedule(z, layer("hourly", 0, Rotation.hourly(1), "2026-10-24T00:00", ANN, BOB)));
        List<Shift> day = r.timeline(local(z, "2026-10-25T00:00"), local(z, "2026-10-26T00:00"));
        assertThat(day).hasSize(25);
        assertThat(day)
                .allSatisfy(
                        s -> assertThat(Duration.between(s.start(), s.end())).isEqualTo(Duration.ofHours(1)));
        List<Shift> springDay = r.timeline(local(z, "2026-03-29T00:00"), local(z, "2026-03-30T00:00"));
        assertThat(springDay).singleElement().extracting(Shift::userId).isNull(); // layer starts in October
        ScheduleResolver march =
                resolver(schedule(z, layer("hourly", 0, Rotation.hourly(1), "2026-03-28T00:00", ANN, BOB)));
        assertThat(march.timeline(local(z, "2026-03-29T00:00"), local(z, "2026-03-30T00:00")))
                .hasSize(23);
    }

    @Test
    void handoffInsideTheSpringGapMovesForwardByTheGap() {
        String z = "Europe/Berlin";
        // 02:30 does not exist on 29 Mar 2026: that handoff happens at 03:30 CEST; the next day's at 02:30 again.
        ScheduleResolver r = resolver(schedule(z, layer("night", 0, Rotation.daily(), "2026-03-27T02:30", ANN, BOB)));
        List<Shift> t = r.timeline(local(z, "2026-03-28T12:00"), local(z, "2026-03-30T12:00"));
        assertThat(t)
                .extracting(
                        s -> ZonedDateTime.ofInstant(s.start(), ZoneId.of(z)).toLocalTime())
                .containsExactly(LocalTime.of(12, 0), LocalTime.of(3, 30), LocalTime.of(2, 30));
    }

    @Test
    void thirtyMinuteOffsetZonesWithAndWithoutDst() {
        // Kolkata: +05:30 all year. A 12-hour rotation handing off at 08:30 and 20:30 local.
        String k = "Asia/Kolkata";
        ScheduleResolver r =
                resolver(schedule(k, layer("12h", 0, Rotation.custom("PT12H"), "2026-01-01T08:30", ANN, BOB)));
        assertThat(who(r, local(k, "2026-06-01T08:29"))).isEqualTo(BOB);
        assertThat(who(r, local(k, "2026-06-01T08:30"))).isEqualTo(ANN);
        assertThat(who(r, Instant.parse("2026-06-01T15:00:00Z"))).isEqualTo(BOB); // 20:30 IST
        // Adelaide: +09:30 / +10:30. DST ends 5 Apr 2026 03:00 -> 02:00, starts 4 Oct 2026 02:00 -> 03:00.
        String a = "Australia/Adelaide";
        ScheduleResolver d = resolver(schedule(a, layer("day", 0, Rotation.daily(), "2026-03-01T08:00", ANN, BOB)));
        List<Shift> april = d.timeline(local(a, "2026-04-04T08:00"), local(a, "2026-04-06T08:00"));
        assertThat(april)
                .extracting(s -> Duration.between(s.start(), s.end()).toHours())
                .containsExactly(25L, 24L);
        List<Shift> october = d.timeline(local(a, "2026-10-03T08:00"), local(a, "2026-10-05T08:00"));
        assertThat(october)
                .extracting(s -> Duration.between(s.start(), s.end()).toHours())
                .containsExactly(23L, 24L);
        assertThat(ZonedDateTime.ofInstant(october.get(1).start(), ZoneId.of(a))
                        .getOffset()
                        .getTotalSeconds())
                .isEqualTo(10 * 3600 + 1800);
        // Lord Howe shifts by only 30 minutes at DST (+10:30 / +11:00): a daily shift there lasts 23.5 h once.
        String lh = "Australia/Lord_Howe";
        ScheduleResolver l = resolver(schedule(lh, layer("day", 0, Rotation.daily(), "2026-09-01T09:00", ANN, BOB)));
        List<Shift> lord = l.timeline(local(lh, "2026-10-03T09:00"), local(lh, "2026-10-05T09:00"));
        assertThat(lord)
                .extracting(s -> Duration.between(s.start(), s.end()).toMinutes())
                .containsExactly(23 * 60L + 30, 24 * 60L);
    }

    @Test
    void overridesWinSwapsReplaceOnePersonAndLeaveFallsThroughToTheLowerLayer() {
        String z = "Europe/Berlin";
        Layer primary = layer("primary", 10, Rotation.weekly(), "2026-03-02T09:00", ANN, BOB);
        Layer backup = layer("backup", 0, Rotation.weekly(), "2026-03-02T09:00", CAT);
        Schedule s = schedule(z, primary, backup);
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        ScheduleOverride override = new ScheduleOverride(
                UUID.randomUUID(),
                s.id(),
                ScheduleOverride.Kind.OVERRIDE,
                DAN,
                null,
                local(z, "2026-03-03T12:00"),
                local(z, "2026-03-03T14:00"),
                "doctor",
                now,
                "test");
        ScheduleOverride swap = new ScheduleOverride(
                UUID.randomUUID(),
                s.id(),
                ScheduleOverride.Kind.SWAP,
                CAT,
                BOB,
                local(z, "2026-03-10T00:00"),
                local(z, "2026-03-11T00:00"),
                "swap",
                now,
                "test");
        Leave annAway = new Leave(
                UUID.randomUUID(), ANN, local(z, "2026-03-04T00:00"), local(z, "2026-03-05T00:00"), "leave", now);
        ScheduleResolver r = new ScheduleResolver(s, Set.of(), List.of(override, swap), List.of(annAway));

        assertThat(r.at(local(z, "2026-03-03T11:59")).userId()).isEqualTo(ANN);
        assertThat(r.at(local(z, "2026-03-03T12:00")))
                .extracting(Shift::userId, Shift::source)
                .containsExactly(DAN, "override");
        assertThat(r.at(local(z, "2026-03-03T14:00")).userId()).isEqualTo(ANN);
        assertThat(r.at(local(z, "2026-03-04T10:00")))
                .extracting(Shift::userId, Shift::source)
                .containsExactly(CAT, "layer:backup");
        assertThat(r.at(local(z, "2026-03-10T10:00")))
                .extracting(Shift::userId, Shift::source)
                .containsExactly(CAT, "swap");
        assertThat(r.at(local(z, "2026-03-11T10:00")).userId()).isEqualTo(BOB);

        List<Shift> week = r.timeline(local(z, "2026-03-02T09:00"), local(z, "2026-03-09T09:00"));
        assertThat(week).extracting(Shift::userId).containsExactly(ANN, DAN, ANN, CAT, ANN);
        assertThat(week.get(1).start()).isEqualTo(local(z, "2026-03-03T12:00"));
        assertThat(week.get(1).end()).isEqualTo(local(z, "2026-03-03T14:00"));
    }

    @Test
    void restrictedLayerCoversBusinessHoursOnlyAndGapsAreReported() {
        String z = "America/New_York";
        Layer office = new Layer(
                "office",
                0,
                Rotation.weekly(),
                LocalDateTime.parse("2026-03-02T00:00"),
                null,
                List.of(ANN),
                List.of(TimeWindow.weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0))),
                true);
        Schedule s = schedule(z, office);
        ScheduleResolver r = new ScheduleResolver(s, Set.of(LocalDate.parse("2026-03-04")), List.of(), List.of());
        assertThat(r.at(local(z, "2026-03-03T09:00")).userId()).isEqualTo(ANN);
        assertThat(r.at(local(z, "2026-03-03T17:00")).userId()).isNull();
        assertThat(r.at(local(z, "2026-03-04T12:00")).userId()).isNull(); // holiday
        assertThat(r.at(local(z, "2026-03-07T12:00")).userId()).isNull(); // Saturday
        List<Shift> gaps = r.gaps(local(z, "2026-03-02T00:00"), local(z, "2026-03-09T00:00"));
        // Mon 00-09, Mon 17 - Tue 09, Tue 17 - Thu 09 (holiday Wed), Thu 17 - Fri 09, Fri 17 - Mon 00
        assertThat(gaps).hasSize(5);
        assertThat(gaps.get(2).start()).isEqualTo(local(z, "2026-03-03T17:00"));
        assertThat(gaps.get(2).end()).isEqualTo(local(z, "2026-03-05T09:00"));
        assertThat(gaps.get(4).end()).isEqualTo(local(z, "2026-03-09T00:00"));
    }

    @Test
    void overnightWindowAndPriority() {
        String z = "Europe/Berlin";
        Layer day = layer("all", 0, Rotation.daily(), "2026-01-01T00:00", ANN);
        Layer night = new Layer(
                "night",
                5,
                Rotation.daily(),
                LocalDateTime.parse("2026-01-01T00:00"),
                null,
                List.of(BOB),
                List.of(new TimeWindow(List.of(), LocalTime.of(22, 0), LocalTime.of(6, 0))),
                false);
        ScheduleResolver r = resolver(schedule(z, day, night));
        assertThat(who(r, local(z, "2026-02-02T21:59"))).isEqualTo(ANN);
        assertThat(who(r, local(z, "2026-02-02T22:00"))).isEqualTo(BOB);
        assertThat(who(r, local(z, "2026-02-03T05:59"))).isEqualTo(BOB);
        assertThat(who(r, local(z, "2026-02-03T06:00"))).isEqualTo(ANN);
        // the timeline agrees with point queries at every minute of a DST day
        Instant from = local(z, "2026-03-28T20:00");
        Instant to = local(z, "2026-03-30T08:00");
        List<Shift> t = r.timeline(from, to);
        for (Instant i = from; i.isBefore(to); i = i.plusSeconds(60)) {
            Instant at = i;
            Shift covering = t.stream()
                    .filter(s -> !at.isBefore(s.start()) && at.isBefore(s.end()))
                    .findFirst()
                    .orElseThrow();
            assertThat(covering.userId()).isEqualTo(who(r, at));
        }
    }

    @Test
    void beforeTheFirstShiftAndAfterTheEndNobodyIsOnCall() {
        String z = "UTC";
        Layer l = new Layer(
                "l",
                0,
                Rotation.custom("P3D"),
                LocalDateTime.parse("2026-05-01T08:00"),
                LocalDateTime.parse("2026-05-10T08:00"),
                List.of(ANN, BOB, CAT),
                List.of(),
                false);
        ScheduleResolver r = resolver(schedule(z, l));
        assertThat(who(r, Instant.parse("2026-05-01T07:59:59Z"))).isNull();
        assertThat(who(r, Instant.parse("2026-05-04T07:59:59Z"))).isEqualTo(ANN);
        assertThat(who(r, Instant.parse("2026-05-04T08:00:00Z"))).isEqualTo(BOB);
        assertThat(who(r, Instant.parse("2026-05-07T08:00:00Z"))).isEqualTo(CAT);
        assertThat(who(r, Instant.parse("2026-05-10T08:00:00Z"))).isNull();
    }
}
