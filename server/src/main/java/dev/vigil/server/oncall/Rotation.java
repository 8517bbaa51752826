package dev.vigil.server.oncall;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How long one shift of a layer lasts. {@code hourly}/{@code daily}/{@code weekly} rotate every {@code every} hours,
 * days or weeks; {@code custom} takes an ISO-8601 {@code length}: a date-based period ({@code P3D}, {@code P2W}) is
 * counted in calendar days of the schedule's time zone, so a daily handoff at 09:00 stays at 09:00 local time across
 * daylight-saving changes (that shift lasts 23 or 25 hours); a time-based duration ({@code PT12H}) is counted in
 * elapsed time, as are hourly rotations.
 *
 * @param type hourly, daily, weekly or custom
 * @param every how many hours/days/weeks per shift (1 when absent)
 * @param length custom rotations: the ISO-8601 length of a shift
 */
public record Rotation(Type type, Integer every, String length) {
    public enum Type {
        HOURLY,
        DAILY,
        WEEKLY,
        CUSTOM;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Type parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "unknown rotation type '" + s + "' (expected hourly, daily, weekly or custom)");
            }
        }
    }

    public Rotation {
        if (type == null) {
            throw new IllegalArgumentException("rotation.type is required");
        }
        if (type == Type.CUSTOM) {
            if (length == null || length.isBlank()) {
                throw new IllegalArgumentException("a custom rotation needs a length (ISO-8601, e.g. P3D or PT12H)");
            }
            every = null;
            ShiftLength.parse(length); // validates
        } else {
            every = every == null ? 1 : every;
            if (every < 1 || every > 1000) {
                throw new IllegalArgumentException("rotation.every must be between 1 and 1000");
            }
            length = null;
        }
    }

    public static Rotation daily() {
        return new Rotation(Type.DAILY, 1, null);
    }

    public static Rotation weekly() {
        return new Rotation(Type.WEEKLY, 1, null);
    }

    public static Rotation hourly(int hours) {
        return new Rotation(Type.HOURLY, hours, null);
    }

    public static Rotation custom(String iso) {
        return new Rotation(Type.CUSTOM, null, iso);
    }

    /** The shift length: exactly one of days (calendar) or elapsed is set. */
    public ShiftLength shiftLength() {
        return switch (type) {
            case HOURLY -> new ShiftLength(0, Duration.ofHours(every));
            case DAILY -> new ShiftLength(every, null);
            case WEEKLY -> new ShiftLength(7L * every, null);
            case CUSTOM -> ShiftLength.parse(length);
        };
    }

    /** A shift length in calendar days (local time) or in elapsed time. */
    public record ShiftLength(long days, Duration elapsed) {
        static ShiftLength parse(String iso) {
            String s = iso.trim().toUpperCase(Locale.ROOT);
            if (!s.contains("T")) {
                try {
                    Period p = Period.parse(s);
                    if (p.getYears() != 0 || p.getMonths() != 0) {
                        throw new IllegalArgumentException(
                                "rotation length '" + iso + "': use days or weeks, not months or years");
                    }
                    if (p.getDays() < 1 || p.getDays() > 366) {
                        throw new IllegalArgumentException(
                                "rotation length '" + iso + "' must be between 1 and 366 days");
                    }
                    return new ShiftLength(p.getDays(), null);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("rotation length '" + iso + "' is not ISO-8601 (e.g. P3D)");
                }
            }
            try {
                Duration d = Duration.parse(s);
                if (d.compareTo(Duration.ofMinutes(15)) < 0 || d.compareTo(Duration.ofDays(366)) > 0) {
                    throw new IllegalArgumentException(
                            "rotation length '" + iso + "' must be between 15 minutes and 366 days");
                }
                return new ShiftLength(0, d);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("rotation length '" + iso + "' is not ISO-8601 (e.g. PT12H)");
            }
        }

        public boolean calendar() {
            return elapsed == null;
        }
    }
}
