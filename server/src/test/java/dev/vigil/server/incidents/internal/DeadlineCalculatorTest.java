package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.incidents.BusinessCalendar;
import dev.vigil.server.incidents.ObligationTemplate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deadline arithmetic of notification stages: exact elapsed hours across DST changes, calendar days and months that
 * keep the local time, business days with weekends, explicit holidays, country holidays and cut-off times, limits
 * (the earliest deadline wins) and anchoring to earlier submissions.
 */
class DeadlineCalculatorTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static BusinessDays calendar(String zone, String country, LocalTime cutoff, LocalDate... holidays) {
        return new BusinessDays(new BusinessCalendar(
                "test",
                "test",
                zone,
                List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                country,
                List.of(holidays),
                cutoff,
                false,
                null));
    }

    static ObligationTemplate.Stage stage(String anchor, String after, String calendar) {
        return new ObligationTemplate.Stage("s", "Stage", anchor, after, null, false, null, calendar, null, null);
    }

    static DeadlineCalculator.Due due(ObligationTemplate.Stage s, Map<String, Instant> anchors, BusinessDays cal) {
        return DeadlineCalculator.compute(s, anchors::get, key -> cal);
    }

    @Test
    void seventyTwoHoursAreSeventyTwoElapsedHoursAcrossTheSpringForwardChange() {
        // Berlin springs forward on 2026-03-29 at 02:00 -> 03:00. Awareness Friday 27 March 10:00 local (09:00Z).
        Instant awareness = ZonedDateTime.of(2026, 3, 27, 10, 0, 0, 0, BERLIN).toInstant();
        DeadlineCalculator.Due d = due(
                stage("awareness", "72h", null), Map.of("awareness", awareness), calendar("Europe/Berlin", null, null));
        assertThat(d.at()).isEqualTo(awareness.plus(Duration.ofHours(72)));
        // ...which is 11:00 on the wall clock, not 10:00: one local hour vanished.
        assertThat(d.at().atZone(BERLIN).toLocalTime()).isEqualTo(LocalTime.of(11, 0));
        assertThat(d.basis()).contains("72h after awareness");
    }

    @Test
    void oneMonthKeepsTheLocalTimeAcrossDaylightSavingAndClampsToTheMonthEnd() {
        BusinessDays berlin = calendar("Europe/Berlin", null, null);
        Instant notification =
                ZonedDateTime.of(2026, 3, 15, 10, 0, 0, 0, BERLIN).toInstant(); // CET, +01:00
        Instant finalReport = DeadlineCalculator.add(notification, Offset.parse("1mo"), berlin);
        assertThat(finalReport.atZone(BERLIN)).isEqualTo(ZonedDateTime.of(2026, 4, 15, 10, 0, 0, 0, BERLIN)); // CEST
        assertThat(Duration.between(notification, finalReport))
                .isEqualTo(Duration.ofDays(31).minusHours(1));

        Instant jan31 = ZonedDateTime.of(2026, 1, 31, 9, 0, 0, 0, BERLIN).toInstant();
        assertThat(DeadlineCalculator.add(jan31, Offset.parse("P1M"), berlin)
                        .atZone(BERLIN)
                        .toLocalDate())
                .isEqualTo(LocalDate.of(2026, 2, 28));
    }

    @Test
    void sixtyCalendarDaysCrossTheFallBackChangeAtTheSameLocalTime() {
        BusinessDays ny = calendar("America/New_York", null, null);
        Instant discovery =
                ZonedDateTime.of(2026, 10, 1, 14, 30, 0, 0, NEW_YORK).toInstant(); // EDT
        Instant due = DeadlineCalculator.add(discovery, Offset.parse("60d"), ny);
        assertThat(due.atZone(NEW_YORK)).isEqualTo(ZonedDateTime.of(2026, 11, 30, 14, 30, 0, 0, NEW_YORK)); // EST
        assertThat(Duration.between(discovery, due))
                .isEqualTo(Duration.ofDays(60).plusHours(1));
    }

    @Test
    void businessDaysSkipWeekendsAndHolidaysAndEndAtTheCutOff() {
        // Materiality determined Thursday 2026-11-19 at 16:00 New York time. US holiday: Thanksgiving, Thursday 26
        // November (from the country preset). Four business days: Fri 20, Mon 23, Tue 24, Wed 25 -> Wed 17:30.
        BusinessDays sec = calendar("America/New_York", "us", LocalTime.of(17, 30));
        Instant determined =
                ZonedDateTime.of(2026, 11, 19, 16, 0, 0, 0, NEW_YORK).toInstant();
        Instant due = DeadlineCalculator.add(determined, Offset.parse("4bd"), sec);
        assertThat(due.atZone(NEW_YORK)).isEqualTo(ZonedDateTime.of(2026, 11, 25, 17, 30, 0, 0, NEW_YORK));

        // Determined on Monday 23 Nov: Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27, Mon 30.
        Instant monday = ZonedDateTime.of(2026, 11, 23, 9, 0, 0, 0, NEW_YORK).toInstant();
        assertThat(DeadlineCalculator.add(monday, Offset.parse("4bd"), sec)
                        .atZone(NEW_YORK)
                        .toLocalDate())
                .isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(sec.isBusinessDay(LocalDate.of(2026, 11, 26))).isFalse();
        assertThat(sec.isBusinessDay(LocalDate.of(2026, 7, 3)))
                .as("Independence Day observed (4 July is a Saturday)")
                .isFalse();
    }

    @Test
    void explicitHolidaysCountAndTheDayEndsAtMidnightWithoutCutOff() {
        // Determined on a Saturday: counting starts on Monday. Monday is an explicit company holiday.
        BusinessDays cal = calendar("UTC", null, null, LocalDate.of(2026, 6, 8));
        Instant saturday = Instant.parse("2026-06-06T12:00:00Z");
        Instant due = DeadlineCalculator.add(saturday, Offset.parse("2bd"), cal);
        assertThat(due).isEqualTo(Instant.parse("2026-06-10T23:59:59Z"));
    }

    @Test
    void theLocalDateOfTheAnchorIsTakenInTheCalendarsZone() {
        // 2026-11-20T03:00Z is still Thursday 19 November in New York: four business days end on Wednesday 25th.
        BusinessDays sec = calendar("America/New_York", "us", LocalTime.of(17, 30));
        Instant late = Instant.parse("2026-11-20T03:00:00Z");
        assertThat(DeadlineCalculator.add(late, Offset.parse("4bd"), sec)
                        .atZone(NEW_YORK)
                        .toLocalDate())
                .isEqualTo(LocalDate.of(2026, 11, 25));
    }

    @Test
    void doraInitialNotificationIsFourHoursAfterMajorButNoLaterThanTwentyFourHoursAfterAwareness() {
        ObligationTemplate.Stage initial = new ObligationTemplate.Stage(
                "initial",
                "Initial",
                "major",
                "4h",
                List.of(new ObligationTemplate.Limit("awareness", "24h")),
                false,
                null,
                null,
                null,
                null);
        BusinessDays utc = BusinessDays.utc();
        Instant aware = Instant.parse("2026-05-04T08:00:00Z");
        Map<String, Instant> anchors = new HashMap<>(Map.of("awareness", aware));
        assertThat(due(initial, anchors, utc)).as("not classified as major yet").isNull();

        anchors.put("major", aware.plus(Duration.ofHours(2)));
        assertThat(due(initial, anchors, utc).at()).isEqualTo(aware.plus(Duration.ofHours(6)));

        anchors.put("major", aware.plus(Duration.ofHours(22)));
        DeadlineCalculator.Due capped = due(initial, anchors, utc);
        assertThat(capped.at()).isEqualTo(aware.plus(Duration.ofHours(24)));
        assertThat(capped.basis()).startsWith("24h after awareness").contains("earlier than 4h after major");
    }

    @Test
    void stagesAnchoredToAPreviousSubmissionWaitForIt() {
        ObligationTemplate.Stage intermediate = stage("previous", "72h", null);
        Map<String, Instant> anchors = new HashMap<>();
        assertThat(due(intermediate, anchors, BusinessDays.utc())).isNull();
        Instant submitted = Instant.parse("2026-05-04T13:17:00Z");
        anchors.put("previous", submitted);
        assertThat(due(intermediate, anchors, BusinessDays.utc()).at()).isEqualTo(submitted.plus(Duration.ofHours(72)));
    }

    @Test
    void asapStagesUseTheirInternalTarget() {
        ObligationTemplate.Stage art34 = new ObligationTemplate.Stage(
                "c", "Communicate", "awareness", null, null, true, "72h", null, null, null);
        Instant aware = Instant.parse("2026-05-04T08:00:00Z");
        DeadlineCalculator.Due d = due(art34, Map.of("awareness", aware), BusinessDays.utc());
        assertThat(d.at()).isEqualTo(aware.plus(Duration.ofHours(72)));
        assertThat(d.basis()).startsWith("internal target 72h");
    }

    @Test
    void warningLeadTimeIsAQuarterOfTheTimeAllowedWithinBounds() {
        Instant a = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(DeadlineCalculator.warnBefore(null, a, a.plus(Duration.ofHours(72))))
                .isEqualTo(Duration.ofHours(18));
        assertThat(DeadlineCalculator.warnBefore(null, a, a.plus(Duration.ofDays(30))))
                .isEqualTo(Duration.ofHours(24));
        assertThat(DeadlineCalculator.warnBefore(null, a, a.plus(Duration.ofMinutes(30))))
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(DeadlineCalculator.warnBefore("20m", a, a.plus(Duration.ofHours(1))))
                .isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void offsetsAreParsedStrictly() {
        assertThat(Offset.parse("72h").unit()).isEqualTo(Offset.Unit.ELAPSED_SECONDS);
        assertThat(Offset.parse("PT72H").amount()).isEqualTo(72 * 3600);
        assertThat(Offset.parse("4bd").unit()).isEqualTo(Offset.Unit.BUSINESS_DAYS);
        assertThat(Offset.parse("P1M").unit()).isEqualTo(Offset.Unit.MONTHS);
        assertThatThrownBy(() -> Offset.parse("72 hours")).hasMessageContaining("invalid offset");
        assertThatThrownBy(() -> Offset.duration("1mo")).hasMessageContaining("must be a duration");
    }
}
