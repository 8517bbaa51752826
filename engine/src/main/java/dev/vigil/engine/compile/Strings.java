package dev.vigil.engine.compile;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** Small value helpers shared by leaves and pipelines: lower-casing, lenient number and time parsing. */
public final class Strings {
    private Strings() {}

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalEnd()
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    /** Lower case as the matcher uses it everywhere ({@link Locale#ROOT}). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** A decimal number in the text (optional sign, digits, fraction, exponent), or NaN. No exceptions thrown. */
    /** Longest value {@link #foldedTest} compares in place (longer ones are lower-cased: linear, and cached). */
    static final int FOLD_MAX = 512;

    private static final char[] FOLD = new char[256];

    static {
        for (int c = 0; c < 256; c++) FOLD[c] = Character.toLowerCase((char) c);
    }

    /**
     * Whether {@code lower(v)} equals ({@code op 0}), starts with (1), ends with (2) or contains (3) the Latin-1
     * lower-case literal {@code lit}, decided on {@code v} itself with each character folded — no lower-case copy —
     * or -1 when that cannot be decided so: a compared character outside Latin-1 (its lower case may be Latin-1, or
     * two characters: U+0130), or a value longer than {@link #FOLD_MAX}. For a Latin-1 region, {@code
     * toLowerCase(Locale.ROOT)} maps character by character ({@link Character#toLowerCase(char)}), and characters
     * outside a prefix or suffix region do not move it, so the answer is exactly that of the lower-case form.
     */
    static int foldedTest(int op, String v, String lit) {
        final int n = v.length();
        final int m = lit.length();
        final char[] fold = FOLD;
        switch (op) {
            case 0, 1, 2 -> {
                if (op == 0 && n != m) {
                    // lengths differ: equal only if lower-casing changes the length (a character outside Latin-1)
                    for (int i = 0; i < n; i++) if (v.charAt(i) >= 256) return -1;
                    return 0;
                }
                if (n < m) {
                    for (int i = 0; i < n; i++) if (v.charAt(i) >= 256) return -1;
                    return 0;
                }
                int off = op == 2 ? n - m : 0;
                for (int k = 0; k < m; k++) {
                    char c = v.charAt(off + k);
                    if (c >= 256) return -1;
                    // a mismatch in a Latin-1 region is final: characters outside the region cannot move it (for
                    // EQ with n == m, a length-changing character elsewhere makes lower(v) longer than the literal)
                    if (fold[c] != lit.charAt(k)) return 0;
                }
                return 1;
            }
            default -> {
                if (n > FOLD_MAX) return -1;
                if (m == 0) return 1;
                final char first = lit.charAt(0);
                int found = 0;
                for (int i = 0; i < n; i++) {
                    char c = v.charAt(i);
                    if (c >= 256) return -1;
                    if (found == 0 && fold[c] == first && i + m <= n) {
                        int k = 1;
                        while (k < m) {
                            char d = v.charAt(i + k);
                            if (d >= 256 || fold[d] != lit.charAt(k)) break;
                            k++;
                        }
                        if (k == m) found = 1; // keep reading: a later character outside Latin-1 means "undecided"
                    }
                }
                return found;
            }
        }
    }

    /** Whether {@code s} is a whole number in decimal ({@code [-+]?[0-9]+}) of at most 64 characters. */
    public static boolean isInteger(String s) {
        int n = s.length();
        if (n == 0 || n > 64) return false;
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        if (i == n) return false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    public static double parseNumber(String s) {
        int n = s.length();
        if (n == 0 || n > 64) return Double.NaN;
        int i = 0;
        char c = s.charAt(0);
        if (c == '-' || c == '+') i++;
        boolean digits = false;
        boolean dot = false;
        boolean exp = false;
        for (; i < n; i++) {
            c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits = true;
            } else if (c == '.' && !dot && !exp) {
                dot = true;
            } else if ((c == 'e' || c == 'E') && digits && !exp) {
                exp = true;
                digits = false;
                if (i + 1 < n && (s.charAt(i + 1) == '-' || s.charAt(i + 1) == '+')) i++;
            } else {
                return Double.NaN;
            }
        }
        if (!digits) return Double.NaN;
        return Double.parseDouble(s);
    }

    /**
     * A point in time from an event value: ISO-8601 with offset or {@code Z}, a local date-time ({@code 2026-07-28
     * 11:44:53.919}, taken as UTC), or epoch seconds/milliseconds as a number. Null when it is none of these.
     */
    public static Instant parseTime(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) return null;
            // heuristic: values beyond year 5138 in seconds are milliseconds
            if (Math.abs(d) >= 1e11) return Instant.ofEpochMilli((long) d);
            long secs = (long) Math.floor(d);
            return Instant.ofEpochSecond(secs, (long) ((d - secs) * 1e9));
        }
        if (!(v instanceof String s)) return null;
        String t = s.trim();
        if (t.length() < 10 || t.length() > 40) {
            double d = parseNumber(t);
            return Double.isNaN(d) ? null : parseTime(d);
        }
        char c0 = t.charAt(0);
        if (c0 < '0' || c0 > '9') return null;
        try {
            if (t.length() > 4 && t.charAt(4) == '-') {
                char last = t.charAt(t.length() - 1);
                if (last == 'Z' || last == 'z' || hasOffset(t)) {
                    return OffsetDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            .toInstant();
                }
                return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        double d = parseNumber(t);
        if (!Double.isNaN(d)) return parseTime(new BigDecimal(t).doubleValue());
        return null;
    }

    private static boolean hasOffset(String t) {
        int len = t.length();
        if (len < 6) return false;
        char sign = t.charAt(len - 6);
        return (sign == '+' || sign == '-') && t.charAt(len - 3) == ':';
    }
}
