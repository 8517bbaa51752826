package dev.vigil.server.incidents.internal;

import de.focus_shift.jollyday.core.Holiday;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.HolidayType;
import de.focus_shift.jollyday.core.ManagerParameters;
import dev.vigil.server.incidents.BusinessCalendar;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Year;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A business calendar ready for arithmetic: weekend days, the explicit holiday dates and, when a country preset is
 * set, that country's public holidays from Jollyday (computed per year on demand and cached).
 */
final class BusinessDays {
    private static final Map<String, Map<Integer, Set<LocalDate>>> COUNTRY_CACHE = new ConcurrentHashMap<>();

    final String key;
    final ZoneId zone;
    final LocalTime cutoff;
    private final Set<DayOfWeek> weekend;
    private final Set<LocalDate> holidays;
    private final String country;

    BusinessDays(BusinessCalendar c) {
        this.key = c.key();
        this.zone = ZoneId.of(c.zone());
        this.cutoff = c.cutoff();
        this.weekend = c.weekend() == null || c.weekend().isEmpty()
                ? EnumSet.noneOf(DayOfWeek.class)
                : EnumSet.copyOf(c.weekend());
        this.holidays = c.holidays() == null ? Set.of() : new HashSet<>(c.holidays());
        this.country = c.country() == null || c.country().isBlank()
                ? null
                : c.country().strip();
    }

    /** The plain UTC Monday-to-Friday calendar used when none is named. */
    static BusinessDays utc() {
        return new BusinessDays(new BusinessCalendar(
                "utc",
                "UTC",
                "UTC",
                java.util.List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                null,
                java.util.List.of(),
                null,
                true,
                null));
    }

    boolean isBusinessDay(LocalDate d) {
        return !weekend.contains(d.getDayOfWeek()) && !holidays.contains(d) && !countryHoliday(d);
    }

    /** The {@code n}-th business day strictly after {@code d}. */
    LocalDate plusBusinessDays(LocalDate d, long n) {
        LocalDate x = d;
        long left = n;
        int guard = 0;
        while (left > 0) {
            x = x.plusDays(1);
            if (isBusinessDay(x)) {
                left--;
            }
            if (++guard > 3660) {
                throw new IllegalStateException("calendar " + key + " has no business days");
            }
        }
        return x;
    }

    private boolean countryHoliday(LocalDate d) {
        if (country == null) {
            return false;
        }
        Set<LocalDate> year = COUNTRY_CACHE
                .computeIfAbsent(country, c -> new ConcurrentHashMap<>())
                .computeIfAbsent(d.getYear(), y -> load(country, y));
        return year.contains(d);
    }

    private static Set<LocalDate> load(String country, int year) {
        String[] parts = country.split("[/.-]");
        HolidayManager m =
                HolidayManager.getInstance(ManagerParameters.create(parts[0].toLowerCase(java.util.Locale.ROOT)));
        String[] regions = java.util.Arrays.copyOfRange(parts, 1, parts.length);
        Set<LocalDate> dates = new HashSet<>();
        for (Holiday h : m.getHolidays(Year.of(year), HolidayType.PUBLIC_HOLIDAY, regions)) {
            // Both the date and, when it falls on a weekend, the weekday it is observed on are days off.
            dates.add(h.getDate());
            dates.add(h.getActualDate());
            h.getObservedDate().ifPresent(dates::add);
        }
        return dates;
    }

    /** Checks that a country preset is known to the holiday library. */
    static void validateCountry(String country) {
        if (country == null || country.isBlank()) {
            return;
        }
        try {
            load(country.strip(), 2026);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown holiday country preset '" + country + "'");
        }
    }
}
