package dev.vigil.server.incidents.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Input checks shared by the incident services: required and optional text with limits, normalised lists. */
final class Texts {
    private Texts() {}

    static String required(String s, String field, int max) {
        String v = optional(s, field, max);
        if (v == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return v;
    }

    static String optional(String s, String field, int max) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.strip().replace('\0', '\uFFFD');
        if (v.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        return v;
    }

    static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        String v = s.replace('\0', '\uFFFD');
        return v.length() <= max ? v : v.substring(0, max - 1) + "…";
    }

    /** Trimmed, non-blank, unique values in order; {@code lower}: lower-cased. At most 200 of 500 characters. */
    static List<String> list(List<String> in, String field, boolean lower) {
        if (in == null) {
            return List.of();
        }
        if (in.size() > 200) {
            throw new IllegalArgumentException(field + " has more than 200 entries");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : in) {
            String v = optional(s, field, 500);
            if (v != null) {
                out.add(lower ? v.toLowerCase(Locale.ROOT) : v);
            }
        }
        return new ArrayList<>(out);
    }

    /** A key: lower-case letters, digits, dashes and dots, 1..64 characters. */
    static String key(String s, String field) {
        String v = required(s, field, 64).toLowerCase(Locale.ROOT);
        if (!v.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    field + " '" + s + "' must consist of lower-case letters, digits, '.', '_' and '-'");
        }
        return v;
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
