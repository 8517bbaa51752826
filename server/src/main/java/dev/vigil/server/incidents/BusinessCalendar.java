package dev.vigil.server.incidents;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;

/**
 * A business-day calendar for deadlines counted in business days: its time zone, weekend days, public holidays (a
 * country preset, e.g. {@code us}, computed for every year, plus explicit dates) and the local cut-off time by which
 * something due on a business day must be in (e.g. 17:30 for SEC EDGAR filings); null cut-off: end of the day.
 */
public record BusinessCalendar(
        String key,
        String name,
        String zone,
        List<DayOfWeek> weekend,
        String country,
        List<LocalDate> holidays,
        LocalTime cutoff,
        boolean builtin,
        Instant updatedAt) {}
