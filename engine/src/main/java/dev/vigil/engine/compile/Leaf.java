package dev.vigil.engine.compile;

import com.google.re2j.Pattern;
import dev.vigil.engine.event.Event;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Map;

/**
 * A primitive predicate on one field (or, for keywords, on any field's value): the leaves of a compiled rule. What a
 * candidate index needs is public: {@link #field()} (an id in the rule set's {@link FieldTable}, {@link #ANY_FIELD}
 * for keywords), {@link #op()}, and for string operators {@link #literal()} (already lower-cased unless {@link
 * #caseSensitive()}) or, for {@link Op#GLOB}, {@link Glob#segments()}.
 *
 * <p>Semantics per value: a field with several values matches when any value does. String operators compare the
 * value's text form (numbers as written, {@code true}/{@code false}); JSON null has no text and matches only {@link
 * Op#NULL}. Case-insensitive operators compare lower-case forms ({@code Locale.ROOT}) cached in the event.
 */
public abstract non-sealed class Leaf extends Node {
    /** {@link #field()} of a keyword leaf: it tests every value of the event. */
    public static final int ANY_FIELD = -1;

    /** Leaf operators. */
    public enum Op {
        /** Value equals the literal. */
        EQ,
        /** Value starts with the literal ({@code startswith}, {@code abc*}). */
        PREFIX,
        /** Value ends with the literal ({@code endswith}, {@code *abc}). */
        SUFFIX,
        /** Value contains the literal ({@code contains}, {@code *abc*}, keywords). */
        CONTAINS,
        /** Any non-null value ({@code *}). */
        ANY_VALUE,
        /** General wildcard pattern ({@code ?}, or {@code *} inside). */
        GLOB,
        /** RE2J regular expression search. */
        REGEX,
        NUM_EQ,
        NUM_LT,
        NUM_LTE,
        NUM_GT,
        NUM_GTE,
        BOOL,
        /** Field absent or JSON null. */
        NULL,
        EXISTS,
        NOT_EXISTS,
        CIDR,
        /** Compare with another field of the event. */
        FIELDREF,
        /** A part (minute … year) of the value parsed as a date/time. */
        TIME_PART
    }

    final int field;
    final String fieldName;

    Leaf(int field, String fieldName) {
        this.field = field;
        this.fieldName = fieldName;
    }

    /** Field id in the rule set's {@link FieldTable}, or {@link #ANY_FIELD} for a keyword. */
    public int field() {
        return field;
    }

    /** Field name, or null for a keyword. */
    public String fieldName() {
        return fieldName;
    }

    public abstract Op op();

    /** The literal for string operators (lower-case unless case-sensitive); null for other operators. */
    public String literal() {
        return null;
    }

    public boolean caseSensitive() {
        return false;
    }

    @Override
    public boolean eval(EvalContext c) {
        Event e = c.event();
        if (field >= 0) {
            for (int s = c.first(field); s >= 0; s = c.next(s)) if (test(e, s)) return true;
            return false;
        }
        for (int s = 0, n = e.size(); s < n; s++) if (test(e, s)) return true;
        return false;
    }

    /** Whether the value in {@code slot} satisfies this leaf. */
    abstract boolean test(Event e, int slot);

    @Override
    void collect(EvalContext c, Map<String, Object> out) {
        Event e = c.event();
        if (field >= 0) {
            for (int s = c.first(field); s >= 0; s = c.next(s)) {
                if (test(e, s)) {
                    out.putIfAbsent(fieldName, e.value(s));
                    return;
                }
            }
            return;
        }
        for (int s = 0, n = e.size(); s < n; s++) {
            if (test(e, s)) {
                out.putIfAbsent(e.name(s), e.value(s));
                return;
            }
        }
    }

    @Override
    public List<Node> children() {
        return List.of();
    }

    @Override
    public String toString() {
        String l = literal();
        return (fieldName == null ? "*" : fieldName) + " " + op() + (l == null ? "" : " '" + l + "'")
                + (caseSensitive() ? " cased" : "");
    }

    // ---- string operators ----------------------------------------------------------------------------------------

    /** EQ, PREFIX, SUFFIX, CONTAINS, ANY_VALUE on the text (or lower-case text) of a value. */
    public static final class Str extends Leaf {
        final Op op;
        final String lit;
        final boolean cased;

        Str(int field, String fieldName, Op op, String lit, boolean cased) {
            super(field, fieldName);
            this.op = op;
            this.cased = cased;
            this.lit = cased ? lit : Strings.lower(lit);
            this.foldOp = cased || !latin1(this.lit)
                    ? -1
                    : switch (op) {
                        case EQ -> 0;
                        case PREFIX -> 1;
                        case SUFFIX -> 2;
                        // CONTAINS reads the whole value: the cached lower-case copy (made once, shared by every
                        // leaf on the field, searched vectorised) is cheaper than one folded search per leaf
                        default -> -1;
                    };
        }

        /** The operator for {@link Strings#foldedTest}, or -1 (case-sensitive, non-Latin-1 literal, ANY_VALUE). */
        private final int foldOp;

        private static boolean latin1(String s) {
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 256) return false;
            return true;
        }

        @Override
        public Op op() {
            return op;
        }

        @Override
        public String literal() {
            return lit;
        }

        @Override
        public boolean caseSensitive() {
            return cased;
        }

        @Override
        boolean test(Event e, int s) {
            String v;
            if (cased) {
                v = e.text(s);
            } else {
                v = e.cachedLower(s);
                if (v == null && foldOp >= 0) {
                    // no lower-case copy yet: compare the raw text folded in place when that decides it
                    String t = e.text(s);
                    if (t == null) return false;
                    int r = Strings.foldedTest(foldOp, t, lit);
                    if (r >= 0) return r == 1;
                }
                if (v == null) v = e.lower(s);
            }
            if (v == null) return false;
            return switch (op) {
                case EQ -> v.equals(lit);
                case PREFIX -> v.startsWith(lit);
                case SUFFIX -> v.endsWith(lit);
                case CONTAINS -> v.contains(lit);
                default -> true; // ANY_VALUE
            };
        }
    }

    /** A wildcard pattern: literal segments between {@code *}, each segment may contain {@code ?}. */
    public static final class Glob extends Leaf {
        final String[] segments; // '?' positions are marked in masks
        final boolean[][] singles;
        final boolean anchoredStart;
        final boolean anchoredEnd;
        final boolean cased;
        final String pattern;

        Glob(int field, String fieldName, List<Object> parts, boolean cased, String pattern) {
            super(field, fieldName);
            this.cased = cased;
            this.pattern = pattern;
            java.util.ArrayList<String> segs = new java.util.ArrayList<>();
            java.util.ArrayList<boolean[]> masks = new java.util.ArrayList<>();
            StringBuilder seg = new StringBuilder();
            java.util.ArrayList<Boolean> mask = new java.util.ArrayList<>();
            boolean first = true;
            boolean startMulti = false;
            boolean endMulti = false;
            for (int i = 0; i < parts.size(); i++) {
                Object p = parts.get(i);
                if (p == dev.vigil.engine.rule.SigmaValue.Wildcard.MULTI) {
                    if (first) startMulti = true;
                    if (i == parts.size() - 1) endMulti = true;
                    if (!seg.isEmpty()) {
                        segs.add(seg.toString());
                        masks.add(toArray(mask));
                        seg.setLength(0);
                        mask.clear();
                    }
                } else if (p == dev.vigil.engine.rule.SigmaValue.Wildcard.SINGLE) {
                    seg.append('?');
                    mask.add(true);
                } else {
                    String lit = cased ? (String) p : Strings.lower((String) p);
                    seg.append(lit);
                    for (int k = 0; k < lit.length(); k++) mask.add(false);
                }
                first = false;
            }
            if (!seg.isEmpty()) {
                segs.add(seg.toString());
                masks.add(toArray(mask));
            }
            this.segments = segs.toArray(new String[0]);
            this.singles = masks.toArray(new boolean[0][]);
            this.anchoredStart = !startMulti;
            this.anchoredEnd = !endMulti;
        }

        private static boolean[] toArray(List<Boolean> l) {
            boolean[] a = new boolean[l.size()];
            for (int i = 0; i < a.length; i++) a[i] = l.get(i);
            return a;
        }

        @Override
        public Op op() {
            return Op.GLOB;
        }

        /** The pattern in Sigma notation (for messages). */
        @Override
        public String literal() {
            return pattern;
        }

        /** Literal segments between {@code *} wildcards, lower-cased unless case-sensitive; {@code ?} marks one character. */
        public List<String> segments() {
            return List.of(segments);
        }

        /** Whether segment {@code i} contains {@code ?} wildcards (then its {@code ?} characters are wildcards). */
        public boolean hasSingles(int i) {
            for (boolean b : singles[i]) if (b) return true;
            return false;
        }

        /** Whether character {@code pos} of segment {@code segment} is a {@code ?} wildcard (not a literal '?'). */
        public boolean isSingle(int segment, int pos) {
            return singles[segment][pos];
        }

        /** Whether the pattern has no leading {@code *} (the first segment must match at the value's start). */
        public boolean anchoredStart() {
            return anchoredStart;
        }

        /** Whether the pattern has no trailing {@code *} (the last segment must match at the value's end). */
        public boolean anchoredEnd() {
            return anchoredEnd;
        }

        @Override
        public boolean caseSensitive() {
            return cased;
        }

        @Override
        boolean test(Event e, int s) {
            String v = cased ? e.text(s) : e.lower(s);
            return v != null && matches(v);
        }

        boolean matches(String v) {
            int n = segments.length;
            if (n == 0) return !anchoredStart || v.isEmpty();
            int pos = 0;
            for (int i = 0; i < n; i++) {
                String seg = segments[i];
                boolean[] mask = singles[i];
                boolean last = i == n - 1;
                if (i == 0 && anchoredStart) {
                    if (last && anchoredEnd) return v.length() == seg.length() && at(v, 0, seg, mask);
                    if (!at(v, 0, seg, mask)) return false;
                    pos = seg.length();
                } else if (last && anchoredEnd) {
                    int start = v.length() - seg.length();
                    return start >= pos && at(v, start, seg, mask);
                } else {
                    int idx = find(v, pos, seg, mask);
                    if (idx < 0) return false;
                    pos = idx + seg.length();
                }
            }
            return true;
        }

        private static boolean at(String v, int off, String seg, boolean[] mask) {
            if (off + seg.length() > v.length()) return false;
            for (int k = 0; k < seg.length(); k++) {
                if (!mask[k] && v.charAt(off + k) != seg.charAt(k)) return false;
            }
            return true;
        }

        private static int find(String v, int from, String seg, boolean[] mask) {
            boolean plain = true;
            for (boolean b : mask) if (b) plain = false;
            if (plain) return v.indexOf(seg, from);
            for (int off = from; off + seg.length() <= v.length(); off++) if (at(v, off, seg, mask)) return off;
            return -1;
        }
    }

    /**
     * RE2J regular expression (linear time), searched anywhere in the value. RE2J simulates an NFA and costs tens of
     * nanoseconds per character, so the leaf first checks the literals every match needs ({@link RegexLiterals}) in
     * the cached lower-case value: when none occurs, the regex cannot match and is not run.
     */
    public static final class Regex extends Leaf {
        private static final int MAX_PREFILTER = 8;
        final Pattern pattern;
        /** What {@link #test} runs: the pattern simplified for find ({@link RegexSimplifier}), same answers. */
        private final Pattern finder;

        final String source;
        private final java.util.Set<String> required;
        private final String[] prefilter;

        Regex(int field, String fieldName, Pattern pattern, String source) {
            super(field, fieldName);
            this.pattern = pattern;
            this.source = source;
            String simpler = RegexSimplifier.forFind(pattern.pattern());
            this.finder = simpler.equals(pattern.pattern()) ? pattern : Pattern.compile(simpler, pattern.flags());
            this.required =
                    RegexLiterals.required(pattern.pattern(), (pattern.flags() & Pattern.CASE_INSENSITIVE) != 0);
            this.prefilter =
                    required != null && required.size() <= MAX_PREFILTER ? required.toArray(new String[0]) : null;
        }

        /**
         * Lower-case literals one of which the lower-case form of every matching value contains, or null when none
         * can be claimed.
         */
        public java.util.Set<String> requiredLiterals() {
            return required;
        }

        @Override
        public Op op() {
            return Op.REGEX;
        }

        /** The original (Sigma/PCRE) pattern. */
        @Override
        public String literal() {
            return source;
        }

        /** The compiled RE2J pattern. */
        public Pattern pattern() {
            return pattern;
        }

        @Override
        public boolean caseSensitive() {
            return (pattern.flags() & Pattern.CASE_INSENSITIVE) == 0;
        }

        @Override
        boolean test(Event e, int s) {
            String v = e.text(s);
            if (v == null) return false;
            if (prefilter != null && !anyIn(e.lower(s))) return false;
            return finder.matcher(v).find();
        }

        private boolean anyIn(String lower) {
            for (String lit : prefilter) if (lower.contains(lit)) return true;
            return false;
        }

        /** Mixed into {@link EvalContext}'s regex memo slots, so the leaves of one value spread over the table. */
        final int salt = NEXT_SALT.getAndAdd(0x9E3779B9);

        private static final java.util.concurrent.atomic.AtomicInteger NEXT_SALT =
                new java.util.concurrent.atomic.AtomicInteger();

        /** As {@link Leaf#eval}, through the context's memo of recent answers ({@link EvalContext#regex}). */
        @Override
        public boolean eval(EvalContext c) {
            Event e = c.event();
            if (field >= 0) {
                for (int s = c.first(field); s >= 0; s = c.next(s)) if (c.regex(this, e, s)) return true;
                return false;
            }
            for (int s = 0, n = e.size(); s < n; s++) if (c.regex(this, e, s)) return true;
            return false;
        }
    }

    // ---- numbers, booleans, null, existence ------------------------------------------------------------------------

    /**
     * Numeric equality or comparison. Values compare numerically when the event value is (or parses as) a number.
     * Whole numbers compare exactly (also beyond the range of a long, and against integer text of any length), so
     * two large integers that round to the same double stay different; {@code -0} equals {@code 0}; an event value
     * that is not a number (NaN) matches nothing.
     */
    public static final class Num extends Leaf {
        final Op op;
        final double number;
        final long asLong;
        final boolean integral;
        /** The rule's whole number when it does not fit a long, else null. */
        final BigInteger big;

        final String text;

        Num(int field, String fieldName, Op op, Number n, String text) {
            super(field, fieldName);
            this.op = op;
            this.text = text;
            if (n instanceof BigDecimal bd) {
                this.number = bd.doubleValue() + 0.0;
            } else {
                this.number = n.doubleValue() + 0.0;
            }
            this.integral = (n instanceof Long
                    || n instanceof Integer
                    || n instanceof Short
                    || n instanceof Byte
                    || (n instanceof BigInteger bi && bi.bitLength() < 64));
            this.asLong = integral ? n.longValue() : 0;
            this.big = n instanceof BigInteger bi && bi.bitLength() >= 64 ? bi : null;
        }

        @Override
        public Op op() {
            return op;
        }

        /** The number as a double (what values are compared with, unless both are integral). */
        public double number() {
            return number;
        }

        /** The number's text ({@code 4688}): an EQ leaf also matches a string value with exactly this text. */
        @Override
        public String literal() {
            return text;
        }

        @Override
        boolean test(Event e, int s) {
            Object v = e.value(s);
            if (op == Op.NUM_EQ && v instanceof String str && str.equals(text)) return true;
            if (v instanceof Long l) {
                if (integral) return compare(Long.compare(l, asLong));
                if (big != null) return compare(-big.signum()); // beyond the long range: below if positive
            }
            double d;
            if (v instanceof Number num) {
                d = num.doubleValue();
            } else if (v instanceof String str) {
                if ((integral || big != null) && Strings.isInteger(str)) return compare(exact(str));
                d = Strings.parseNumber(str);
            } else {
                return false;
            }
            if (Double.isNaN(d)) return false;
            return compare(d < number ? -1 : d > number ? 1 : 0);
        }

        /** The event's integer text compared with the rule's whole number, exactly. */
        private int exact(String str) {
            if (str.length() <= 18) {
                long l = Long.parseLong(str.charAt(0) == '+' ? str.substring(1) : str);
                return big != null ? -big.signum() : Long.compare(l, asLong);
            }
            BigInteger b = new BigInteger(str);
            return b.compareTo(big != null ? big : BigInteger.valueOf(asLong));
        }

        private boolean compare(int cmp) {
            return switch (op) {
                case NUM_EQ -> cmp == 0;
                case NUM_LT -> cmp < 0;
                case NUM_LTE -> cmp <= 0;
                case NUM_GT -> cmp > 0;
                default -> cmp >= 0;
            };
        }
    }

    /** Boolean equality: a JSON boolean, or the text {@code true}/{@code false} in any case. */
    public static final class Bool extends Leaf {
        final boolean value;

        Bool(int field, String fieldName, boolean value) {
            super(field, fieldName);
            this.value = value;
        }

        @Override
        public Op op() {
            return Op.BOOL;
        }

        @Override
        public String literal() {
            return String.valueOf(value);
        }

        @Override
        boolean test(Event e, int s) {
            Object v = e.value(s);
            if (v instanceof Boolean b) return b == value;
            return v instanceof String str && str.equalsIgnoreCase(value ? "true" : "false");
        }
    }

    /** {@code null}: the field is absent, or one of its values is JSON null. */
    public static final class Null extends Leaf {
        Null(int field, String fieldName) {
            super(field, fieldName);
        }

        @Override
        public Op op() {
            return Op.NULL;
        }

        @Override
        public boolean eval(EvalContext c) {
            int s = c.first(field);
            if (s < 0) return true;
            for (; s >= 0; s = c.next(s)) if (c.event().value(s) == Event.NULL) return true;
            return false;
        }

        @Override
        boolean test(Event e, int s) {
            return e.value(s) == Event.NULL;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            // absence or null is not a value worth reporting
        }
    }

    /** {@code exists: true|false}: the field is present (any value, JSON null included) or not. */
    public static final class Exists extends Leaf {
        final boolean exists;

        Exists(int field, String fieldName, boolean exists) {
            super(field, fieldName);
            this.exists = exists;
        }

        @Override
        public Op op() {
            return exists ? Op.EXISTS : Op.NOT_EXISTS;
        }

        @Override
        public boolean eval(EvalContext c) {
            return (c.first(field) >= 0) == exists;
        }

        @Override
        boolean test(Event e, int s) {
            return exists;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            if (exists) super.collect(c, out);
        }
    }

    /** IPv4/IPv6 network membership of an IP literal value. */
    public static final class Cidr extends Leaf {
        final CidrBlock block;

        Cidr(int field, String fieldName, CidrBlock block) {
            super(field, fieldName);
            this.block = block;
        }

        @Override
        public Op op() {
            return Op.CIDR;
        }

        @Override
        public String literal() {
            return block.toString();
        }

        @Override
        boolean test(Event e, int s) {
            String v = e.text(s);
            return v != null && block.contains(v);
        }
    }

    /** Compare with the value(s) of another field: equal, or as prefix/suffix/substring. */
    public static final class FieldRef extends Leaf {
        final int other;
        final String otherName;
        final boolean startsWith;
        final boolean endsWith;
        final boolean cased;

        FieldRef(
                int field,
                String fieldName,
                int other,
                String otherName,
                boolean startsWith,
                boolean endsWith,
                boolean cased) {
            super(field, fieldName);
            this.other = other;
            this.otherName = otherName;
            this.startsWith = startsWith;
            this.endsWith = endsWith;
            this.cased = cased;
        }

        @Override
        public Op op() {
            return Op.FIELDREF;
        }

        /** The referenced field's name. */
        @Override
        public String literal() {
            return otherName;
        }

        /** The referenced field's id. */
        public int otherField() {
            return other;
        }

        @Override
        public boolean caseSensitive() {
            return cased;
        }

        @Override
        public boolean eval(EvalContext c) {
            Event e = c.event();
            for (int s = c.first(field); s >= 0; s = c.next(s)) {
                String v = cased ? e.text(s) : e.lower(s);
                if (v == null) continue;
                for (int o = c.first(other); o >= 0; o = c.next(o)) {
                    String r = cased ? e.text(o) : e.lower(o);
                    if (r != null && compare(v, r)) return true;
                }
            }
            return false;
        }

        private boolean compare(String v, String r) {
            if (startsWith && endsWith) return v.contains(r);
            if (startsWith) return v.startsWith(r);
            if (endsWith) return v.endsWith(r);
            return v.equals(r);
        }

        @Override
        boolean test(Event e, int s) {
            throw new UnsupportedOperationException("evaluated per pair of fields");
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            Event e = c.event();
            int s = c.first(field);
            int o = c.first(other);
            if (s >= 0) out.putIfAbsent(fieldName, e.value(s));
            if (o >= 0) out.putIfAbsent(otherName, e.value(o));
        }
    }

    /** A part of the value parsed as a date/time in UTC equals a number. */
    public static final class TimePart extends Leaf {
        final dev.vigil.engine.rule.SigmaValue.TimeUnitPart unit;
        final long value;

        TimePart(int field, String fieldName, dev.vigil.engine.rule.SigmaValue.TimeUnitPart unit, long value) {
            super(field, fieldName);
            this.unit = unit;
            this.value = value;
        }

        @Override
        public Op op() {
            return Op.TIME_PART;
        }

        @Override
        public String literal() {
            return unit.name().toLowerCase(java.util.Locale.ROOT) + "=" + value;
        }

        @Override
        boolean test(Event e, int s) {
            Instant t = Strings.parseTime(e.value(s));
            if (t == null) return false;
            ZonedDateTime z = t.atZone(ZoneOffset.UTC);
            long part = switch (unit) {
                case MINUTE -> z.getMinute();
                case HOUR -> z.getHour();
                case DAY -> z.getDayOfMonth();
                case WEEK -> z.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case MONTH -> z.getMonthValue();
                case YEAR -> z.getYear();
            };
            return part == value;
        }
    }
}
