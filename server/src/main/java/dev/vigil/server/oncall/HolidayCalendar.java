package dev.vigil.server.oncall;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A named list of holidays (dates, in the time zone of whoever uses the calendar). */
public record HolidayCalendar(UUID id, String name, List<Holiday> holidays, Instant createdAt, Instant updatedAt) {
    public record Holiday(LocalDate date, String name) {
        public Holiday {
            if (date == null) {
                throw new IllegalArgumentException("a holiday needs a date");
            }
        }
    }

    public HolidayCalendar {
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
    }

    public Set<LocalDate> dates() {
        return holidays.stream().map(Holiday::date).collect(Collectors.toUnmodifiableSet());
    }
}
