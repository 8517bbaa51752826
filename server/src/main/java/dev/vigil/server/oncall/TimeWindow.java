package dev.vigil.server.oncall;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A weekly window in local time, e.g. Monday–Friday 09:00–17:00. A window whose {@code to} is not after its
 * {@code from} runs over midnight into the next day ({@code 22:00–06:00}); {@code from == to} is 24 hours. The days
 * are the days on which the window <em>starts</em>.
 */
public record TimeWindow(List<DayOfWeek> days, LocalTime from, LocalTime to) {
    public TimeWindow {
        if (from == null || to == null) {
            throw new IllegalArgumentException("a time window needs from and to (HH:mm)");
        }
        days = days == null || days.isEmpty() ? List.of(DayOfWeek.values()) : List.copyOf(days);
    }

    public static TimeWindow weekdays(LocalTime from, LocalTime to) {
        return new TimeWindow(
                List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
                from,
                to);
    }

    private Set<DayOfWeek> daySet() {
        return days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
    }

    /** True when {@code t} (local time) is inside the window. */
    public boolean contains(LocalDateTime t) {
        Set<DayOfWeek> d = daySet();
        LocalTime time = t.toLocalTime();
        if (to.isAfter(from)) {
            return d.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        // over midnight (or 24 hours when from == to)
        if (d.contains(t.getDayOfWeek()) && !time.isBefore(from)) {
            return true;
        }
        return d.contains(t.getDayOfWeek().minus(1)) && time.isBefore(to);
    }

    /** Local start and end of the window that starts on {@code date}'s day, or null when it does not start then. */
    public LocalDateTime[] on(java.time.LocalDate date) {
        if (!daySet().contains(date.getDayOfWeek())) {
            return null;
        }
        LocalDateTime start = date.atTime(from);
        LocalDateTime end =
                to.isAfter(from) ? date.atTime(to) : date.plusDays(1).atTime(to);
        return new LocalDateTime[] {start, end};
    }

    /** True when any of {@code windows} contains {@code t}. */
    public static boolean anyContains(List<TimeWindow> windows, LocalDateTime t) {
        for (TimeWindow w : windows) {
            if (w.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
