package dev.vigil.server.governance.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Input validation for governance requests: every failure is an {@link IllegalArgumentException} naming the field. */
final class Checks {
    static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private Checks() {}

    static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return optional(value, field, max);
    }

    static String optional(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                throw new IllegalArgumentException(field + " contains control characters");
            }
        }
        return v;
    }

    static String key(String value, String field) {
        String v = required(value, field, 63).toLowerCase(Locale.ROOT);
        if (!KEY.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    field + " must be 1-63 characters of a-z 0-9 _ . - starting with a letter or digit");
        }
        return v;
    }

    static String oneOf(String value, String field, List<String> allowed, String dflt) {
        if (value == null || value.isBlank()) {
            if (dflt == null) {
                throw new IllegalArgumentException(field + " is required (one of " + String.join(", ", allowed) + ")");
            }
            return dflt;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(
                    "unknown " + field + " '" + value + "' (expected one of " + String.join(", ", allowed) + ")");
        }
        return v;
    }

    static List<String> names(List<String> values, String field) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > 100) {
            throw new IllegalArgumentException(field + " has more than 100 names");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(required(v, field, 200));
        }
        return new ArrayList<>(out);
    }
}
