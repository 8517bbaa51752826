package dev.vigil.server.incidents.internal;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time allowed after an anchor, as written in playbooks, triage rules and obligation templates. Elapsed time
 * ({@code 30m}, {@code 72h}, ISO {@code PT72H}) is exact; calendar units ({@code 60d} calendar days, {@code 1mo}
 * calendar months, ISO {@code P1M}/{@code P60D}) keep the local wall-clock time in the calendar's time zone across
 * daylight-saving changes; {@code 4bd} counts business days of a {@link BusinessDays} calendar.
 */
record Offset(Unit unit, long amount, String text) {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})\\s*(s|m|min|h|d|w|mo|bd)");

    enum Unit {
        ELAPSED_SECONDS,
        DAYS,
        MONTHS,
        BUSINESS_DAYS
    }

    static Offset parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an offset is required (e.g. 30m, 72h, 60d, 1mo, 4bd)");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> new Offset(Unit.ELAPSED_SECONDS, n, text.strip());
                case "m", "min" -> new Offset(Unit.ELAPSED_SECONDS, n * 60, text.strip());
                case "h" -> new Offset(Unit.ELAPSED_SECONDS, n * 3600, text.strip());
                case "d" -> new Offset(Unit.DAYS, n, text.strip());
                case "w" -> new Offset(Unit.DAYS, n * 7, text.strip());
                case "mo" -> new Offset(Unit.MONTHS, n, text.strip());
                case "bd" -> new Offset(Unit.BUSINESS_DAYS, n, text.strip());
                default -> throw new IllegalStateException();
            };
        }
        String iso = text.strip().toUpperCase(Locale.ROOT);
        try {
            if (iso.startsWith("PT") || iso.contains("T")) {
                return new Offset(Unit.ELAPSED_SECONDS, Duration.parse(iso).toSeconds(), text.strip());
            }
            Period p = Period.parse(iso);
            if (p.getYears() == 0 && p.getMonths() == 0) {
                return new Offset(Unit.DAYS, p.getDays(), text.strip());
            }
            if (p.getDays() == 0) {
                return new Offset(Unit.MONTHS, p.toTotalMonths(), text.strip());
            }
        } catch (DateTimeParseException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("invalid offset '" + text
                + "' (expected e.g. 30m, 72h, 60d, 1mo, 4bd or ISO-8601 such as PT72H or P1M)");
    }

    /** An elapsed duration (calendar days count as 24 h here): grouping windows, task due offsets, warnings. */
    static Duration duration(String text) {
        Offset o = parse(text);
        return switch (o.unit) {
            case ELAPSED_SECONDS -> Duration.ofSeconds(o.amount);
            case DAYS -> Duration.ofDays(o.amount);
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' must be a duration (s, m, h, d or ISO PT..), not months or business days");
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
