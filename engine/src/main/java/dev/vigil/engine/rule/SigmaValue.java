package dev.vigil.engine.rule;

import com.google.re2j.Pattern;
import dev.vigil.engine.compile.CidrBlock;
import java.util.List;

/**
 * One value of a detection item after its modifiers have been applied, as pySigma types them: a Sigma string (with
 * wildcards), a regular expression, a number, a comparison, a CIDR block, a field reference, an existence test, a
 * time-part comparison, {@code null}, a boolean, or an expansion (several values from one, OR-linked even under
 * {@code |all}: windash, base64offset, placeholders).
 */
public sealed interface SigmaValue {

    /** Wildcards inside a {@link Str}. */
    enum Wildcard {
        /** {@code *}: any number of characters. */
        MULTI,
        /** {@code ?}: exactly one character. */
        SINGLE
    }

    /** An unresolved {@code %name%} placeholder inside a {@link Str} (only with the {@code expand} modifier). */
    record Placeholder(String name) {}

    /**
     * A Sigma string. {@code parts} holds literal {@link String}s, {@link Wildcard}s and {@link Placeholder}s in
     * order; adjacent literals are merged. {@code bytes} marks a string whose characters are bytes (after a UTF-16
     * modifier), so a following base64 modifier encodes them as-is instead of as UTF-8.
     */
    record Str(List<Object> parts, boolean cased, boolean bytes) implements SigmaValue {
        public Str {
            parts = List.copyOf(parts);
        }

        public boolean hasWildcards() {
            for (Object p : parts) if (p instanceof Wildcard) return true;
            return false;
        }

        public boolean hasPlaceholders() {
            for (Object p : parts) if (p instanceof Placeholder) return true;
            return false;
        }

        public boolean startsWithMulti() {
            return !parts.isEmpty() && parts.get(0) == Wildcard.MULTI;
        }

        public boolean endsWithMulti() {
            return !parts.isEmpty() && parts.get(parts.size() - 1) == Wildcard.MULTI;
        }

        /** The literal text, for strings without wildcards or placeholders. */
        public String plain() {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof String s) b.append(s);
                else throw new IllegalStateException("not a plain string: " + this);
            }
            return b.toString();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p == Wildcard.MULTI) b.append('*');
                else if (p == Wildcard.SINGLE) b.append('?');
                else if (p instanceof Placeholder ph)
                    b.append('%').append(ph.name()).append('%');
                else
                    b.append(((String) p)
                            .replace("\\", "\\\\")
                            .replace("*", "\\*")
                            .replace("?", "\\?"));
            }
            return b.toString();
        }
    }

    /** A regular expression (already translated to RE2J syntax and compiled). Matching is a search, not anchored. */
    record Regex(String original, String translated, int flags, Pattern pattern) implements SigmaValue {}

    /** A number; {@code text} is its canonical text form ({@code 4688}, {@code 1.5}). */
    record Num(Number value, String text) implements SigmaValue {}

    record Bool(boolean value) implements SigmaValue {}

    /** YAML {@code null}: the field is absent or JSON null. */
    record Null() implements SigmaValue {}

    record Cidr(String text, CidrBlock block) implements SigmaValue {}

    enum CompareOp {
        LT,
        LTE,
        GT,
        GTE
    }

    record Compare(CompareOp op, Num number) implements SigmaValue {}

    /** Compare with another field of the same event ({@code fieldref}), optionally as prefix/suffix/substring. */
    record FieldRef(String field, boolean startsWith, boolean endsWith, boolean cased) implements SigmaValue {}

    record Exists(boolean exists) implements SigmaValue {}

    enum TimeUnitPart {
        MINUTE,
        HOUR,
        DAY,
        WEEK,
        MONTH,
        YEAR
    }

    /** The field parsed as a date/time (UTC) has this {@code unit} equal to {@code value}. */
    record TimePart(TimeUnitPart unit, long value) implements SigmaValue {}

    /** Several values standing for one: matches when any of them matches. */
    record Expansion(List<SigmaValue> values) implements SigmaValue {
        public Expansion {
            values = List.copyOf(values);
        }
    }
}
