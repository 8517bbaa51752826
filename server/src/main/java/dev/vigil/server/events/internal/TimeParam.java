package dev.vigil.server.events.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times in API parameters: an ISO-8601 instant ({@code 2025-06-01T12:00:00Z}), a date ({@code 2025-06-01}, UTC
 * midnight), epoch milliseconds, {@code now}, or relative to now ({@code now-15m}, {@code -24h}, {@code now-7d};
 * units s, m, h, d).
 */
final class TimeParam {
    private static final Pattern RELATIVE = Pattern.compile("(?:now)?-(\\d{1,9})([smhd])");

    private TimeParam() {}

    static Instant parse(String name, String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.equals("now")) {
            return now;
        }
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            if (v.chars().allMatch(Character::isDigit) && v.length() >= 9) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected an ISO-8601 instant (2025-06-01T12:00:00Z), a date,"
                    + " epoch milliseconds, now or now-15m/-24h/-7d, not '" + clip(v) + "'");
        }
    }

    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
