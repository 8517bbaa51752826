package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.ObligationTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Deadline arithmetic for notification stages, as pure functions of the anchors and calendars (no clock):
 *
 * <ul>
 *   <li>elapsed offsets ({@code 72h}) are exact: 72 hours later is 72 hours later, whatever the wall clock does at a
 *       daylight-saving change;
 *   <li>calendar days and months ({@code 60d}, {@code 1mo}) keep the local time of the anchor in the calendar's zone
 *       (one month after 10:00 CET on 15 March is 10:00 CEST on 15 April; the 31st plus one month is the last day of
 *       the next month, and a local time that does not exist is moved forward by the gap, as {@link ZonedDateTime}
 *       does);
 *   <li>business days ({@code 4bd}) count the business days strictly after the anchor's local date, skipping the
 *       calendar's weekend days and holidays, and end at the calendar's cut-off time (or 23:59:59) of the last one;
 *   <li>a stage with limits is due at the earliest of its primary deadline and every limit whose anchor exists.
 * </ul>
 *
 * The default warning lead time is a quarter of the time allowed, between 15 minutes and 24 hours.
 */
final class DeadlineCalculator {
    static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59);

    private DeadlineCalculator() {}

    /** A computed deadline: when, from which anchor time, and how (for people). */
    record Due(Instant at, Instant anchoredAt, String basis) {}

    /**
     * The stage's deadline, or null while its anchor has not happened.
     *
     * @param anchors resolves anchor names ({@code awareness}, {@code previous}, {@code stage:x}, ...) to instants
     * @param calendars resolves calendar keys (null key: the UTC calendar)
     */
    static Due compute(
            ObligationTemplate.Stage stage,
            Function<String, Instant> anchors,
            Function<String, BusinessDays> calendars) {
        BusinessDays cal = calendars.apply(stage.calendar());
        String primaryOffset = stage.after() != null ? stage.after() : stage.target();
        if (primaryOffset == null) {
            return null;
        }
        Instant anchor = anchors.apply(stage.anchor());
        if (anchor == null) {
            return null;
        }
        List<Due> candidates = new ArrayList<>();
        candidates.add(new Due(
                add(anchor, Offset.parse(primaryOffset), cal),
                anchor,
                describe(primaryOffset, stage.anchor(), anchor, stage.after() == null)));
        if (stage.notLaterThan() != null) {
            for (ObligationTemplate.Limit l : stage.notLaterThan()) {
                Instant la = anchors.apply(l.anchor());
                if (la != null) {
                    candidates.add(new Due(
                            add(la, Offset.parse(l.after()), cal), la, describe(l.after(), l.anchor(), la, false)));
                }
            }
        }
        Due best = candidates.get(0);
        for (Due d : candidates) {
            if (d.at.isBefore(best.at)) {
                best = d;
            }
        }
        if (candidates.size() > 1) {
            List<String> others = new ArrayList<>();
            for (Due d : candidates) {
                if (d != best) {
                    others.add(d.basis);
                }
            }
            best = new Due(best.at, best.anchoredAt, best.basis + "; earlier than " + String.join(", ", others));
        }
        return best;
    }

    private static String describe(String offset, String anchorName, Instant anchor, boolean target) {
        String name = anchorName.startsWith("stage:") ? "submission of " + anchorName.substring(6) : anchorName;
        if (name.equals("previous")) {
            name = "previous submission";
        }
        return (target ? "internal target " : "") + offset + " after " + name + " (" + anchor + ")";
    }

    static Instant add(Instant anchor, Offset o, BusinessDays cal) {
        return switch (o.unit()) {
            case ELAPSED_SECONDS -> anchor.plusSeconds(o.amount());
            case DAYS -> anchor.atZone(cal.zone).plusDays(o.amount()).toInstant();
            case MONTHS -> anchor.atZone(cal.zone).plusMonths(o.amount()).toInstant();
            case BUSINESS_DAYS -> {
                LocalDate start = anchor.atZone(cal.zone).toLocalDate();
                LocalDate day = cal.plusBusinessDays(start, o.amount());
                yield day.atTime(cal.cutoff != null ? cal.cutoff : END_OF_DAY)
                        .atZone(cal.zone)
                        .toInstant();
            }
        };
    }

    /** The lead time before {@code due} at which a stage is "at risk". */
    static Duration warnBefore(String configured, Instant anchoredAt, Instant due) {
        if (configured != null) {
            return Offset.duration(configured);
        }
        Duration span = Duration.between(anchoredAt, due);
        Duration quarter = span.dividedBy(4).truncatedTo(ChronoUnit.SECONDS);
        if (quarter.compareTo(Duration.ofMinutes(15)) < 0) {
            return Duration.ofMinutes(15);
        }
        return quarter.compareTo(Duration.ofHours(24)) > 0 ? Duration.ofHours(24) : quarter;
    }
}
