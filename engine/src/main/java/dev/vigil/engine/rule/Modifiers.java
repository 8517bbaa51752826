package dev.vigil.engine.rule;

import dev.vigil.engine.compile.CidrBlock;
import dev.vigil.engine.rule.SigmaValue.Str;
import dev.vigil.engine.rule.SigmaValue.Wildcard;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Applies Sigma value modifiers (Sigma modifiers appendix v2.1) to the values of one detection item, in the order
 * written, with pySigma's semantics. First the modifier list as a whole is checked for contradictions (each refusal
 * names the conflict); then each value is typed and transformed:
 *
 * <ul>
 *   <li>{@code contains startswith endswith}: wildcards around the string (on {@code fieldref}: substring/prefix/
 *       suffix comparison);
 *   <li>{@code base64} / {@code base64offset}: encode (UTF-8 bytes, or UTF-16 bytes after {@code wide|utf16*});
 *       base64offset yields the three shifted forms (pySigma's cut points);
 *   <li>{@code wide utf16le utf16be utf16}: UTF-16 encoding of ASCII text (as pySigma; BOM {@code FF FE} for
 *       {@code utf16});
 *   <li>{@code windash}: every {@code -} or {@code /} that starts a word, preceded by a non-word character, becomes
 *       each of {@code - / – — ―} (all permutations);
 *   <li>{@code expand}: placeholders replaced by their values (Sigma strings, OR-linked);
 *   <li>{@code lt lte gt gte}: numeric comparison; {@code minute … year}: time part equality;
 *   <li>{@code re} ({@code i m s}), {@code cidr}, {@code exists}, {@code fieldref}: type the raw value;
 *   <li>{@code cased}: case-sensitive string; {@code all}: AND-link the values; {@code neq}: negate the item.
 * </ul>
 */
public final class Modifiers {
    static final Set<String> KNOWN = Set.of(
            "contains",
            "startswith",
            "endswith",
            "all",
            "exists",
            "cased",
            "neq",
            "windash",
            "re",
            "i",
            "m",
            "s",
            "base64",
            "base64offset",
            "utf16le",
            "utf16be",
            "utf16",
            "wide",
            "lt",
            "lte",
            "gt",
            "gte",
            "minute",
            "hour",
            "day",
            "week",
            "month",
            "year",
            "cidr",
            "expand",
            "fieldref");

    private static final Set<String> POSITION = Set.of("contains", "startswith", "endswith");
    private static final Set<String> UTF16 = Set.of("wide", "utf16le", "utf16be", "utf16");
    private static final Set<String> COMPARE = Set.of("lt", "lte", "gt", "gte");
    private static final Set<String> TIME = Set.of("minute", "hour", "day", "week", "month", "year");
    private static final Set<String> REGEX_FLAGS = Set.of("i", "m", "s");
    private static final Set<String> STRING_TRANSFORMS =
            Set.of("base64", "base64offset", "wide", "utf16le", "utf16be", "utf16", "windash", "expand");

    /** Cap on the values one windash/placeholder expansion may produce. */
    static final int MAX_EXPANSION = 4096;

    private static final java.util.regex.Pattern WINDASH =
            java.util.regex.Pattern.compile("\\B[-/]\\b", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[-+]?\\d+");
    private static final java.util.regex.Pattern FLOAT =
            java.util.regex.Pattern.compile("[-+]?(\\d++(\\.\\d*+)?|\\.\\d++)([eE][-+]?\\d++)?");
    private static final String[] DASHES = {"-", "/", "\u2013", "\u2014", "\u2015"};

    private Modifiers() {}

    /** Normalises aliases ({@code ignorecase multiline dotall}) and lower-cases. */
    static String canonical(String m) {
        String l = m.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "ignorecase" -> "i";
            case "multiline" -> "m";
            case "dotall" -> "s";
            default -> l;
        };
    }

    /** Refuses unknown, repeated and contradictory modifiers; {@code keyword} is true for field-less items. */
    static void validate(List<String> mods, boolean keyword, String path) throws RuleException {
        Set<String> seen = new LinkedHashSet<>();
        for (String m : mods) {
            if (m.isEmpty()) throw new RuleException(path, "empty modifier (two '|' in a row)");
            if (!KNOWN.contains(m)) throw new RuleException(path, "unknown modifier '" + m + "'");
            if (!seen.add(m)) throw new RuleException(path, "modifier '" + m + "' given twice");
        }
        List<String> pos = only(mods, POSITION);
        if (pos.size() > 1) throw contradiction(path, pos.get(0), pos.get(1), "they place the value differently");
        List<String> enc = only(mods, UTF16);
        if (enc.size() > 1) throw contradiction(path, enc.get(0), enc.get(1), "two UTF-16 encodings");
        if (seen.contains("base64") && seen.contains("base64offset")) {
            throw contradiction(path, "base64", "base64offset", "two base64 encodings");
        }
        List<String> cmp = only(mods, COMPARE);
        if (cmp.size() > 1) throw contradiction(path, cmp.get(0), cmp.get(1), "two numeric comparisons");
        List<String> time = only(mods, TIME);
        if (time.size() > 1) throw contradiction(path, time.get(0), time.get(1), "two time parts");
        for (String f : REGEX_FLAGS) {
            if (seen.contains(f)) {
                if (!seen.contains("re")) {
                    throw new RuleException(path, "'" + f + "' is a sub-modifier of 're' and needs it");
                }
                if (mods.indexOf(f) < mods.indexOf("re")) {
                    throw new RuleException(path, "regex flag '" + f + "' must follow 're'");
                }
            }
        }
        if (seen.contains("re")) {
            for (String m : mods) {
                if (!m.equals("re") && !REGEX_FLAGS.contains(m) && !m.equals("all") && !m.equals("neq")) {
                    throw contradiction(
                            path,
                            "re",
                            m,
                            POSITION.contains(m)
                                    ? "a regular expression already searches the whole value; write .* instead"
                                    : m.equals("cased")
                                            ? "regular expressions are case-sensitive unless 'i' is given"
                                            : "'" + m + "' does not apply to regular expressions");
                }
            }
        }
        if (seen.contains("exists")) {
            if (keyword) throw new RuleException(path, "'exists' needs a field name");
            for (String m : mods) {
                if (!m.equals("exists")) throw contradiction(path, "exists", m, "'exists' takes a plain boolean");
            }
        }
        if (seen.contains("cidr")) {
            for (String m : mods) {
                if (!m.equals("cidr") && !m.equals("all") && !m.equals("neq")) {
                    throw contradiction(path, "cidr", m, "'cidr' takes a plain network");
                }
            }
        }
        if (seen.contains("fieldref")) {
            if (keyword) throw new RuleException(path, "'fieldref' needs a field name");
            for (String m : mods) {
                if (!m.equals("fieldref")
                        && !POSITION.contains(m)
                        && !m.equals("cased")
                        && !m.equals("neq")
                        && !m.equals("all")) {
                    throw contradiction(path, "fieldref", m, "a field reference compares with another field's value");
                }
            }
        }
        if (!cmp.isEmpty() || !time.isEmpty()) {
            String op = !cmp.isEmpty() ? cmp.get(0) : time.get(0);
            if (keyword) throw new RuleException(path, "'" + op + "' needs a field name");
            for (String m : mods) {
                if (POSITION.contains(m) || STRING_TRANSFORMS.contains(m) || m.equals("cased")) {
                    throw contradiction(path, op, m, "'" + op + "' compares numbers, '" + m + "' works on strings");
                }
                if (!cmp.isEmpty() && !time.isEmpty()) {
                    throw contradiction(path, time.get(0), cmp.get(0), "time-part modifiers compare by equality");
                }
            }
        }
    }

    private static List<String> only(List<String> mods, Set<String> group) {
        List<String> r = new ArrayList<>();
        for (String m : mods) if (group.contains(m)) r.add(m);
        return r;
    }

    private static RuleException contradiction(String path, String a, String b, String why) {
        return new RuleException(path, "contradictory modifiers '" + a + "' and '" + b + "': " + why);
    }

    /** Types and transforms one raw YAML value. */
    static SigmaValue apply(Object raw, List<String> mods, Placeholders placeholders, String path)
            throws RuleException {
        checkScalar(raw, path);
        if (mods.contains("re")) {
            if (raw == null || raw instanceof Boolean) {
                throw new RuleException(path, "'re' needs a regular expression, not " + raw);
            }
            String pattern = rawText(raw);
            return RegexTranslator.compile(pattern, mods.contains("i"), mods.contains("m"), mods.contains("s"), path);
        }
        if (mods.contains("cidr")) {
            if (raw == null || raw instanceof Boolean)
                throw new RuleException(path, "'cidr' needs a network, not " + raw);
            try {
                return new SigmaValue.Cidr(rawText(raw), CidrBlock.parse(rawText(raw)));
            } catch (IllegalArgumentException e) {
                throw new RuleException(path, abbreviate(String.valueOf(e.getMessage())));
            }
        }
        if (mods.contains("exists")) {
            if (raw instanceof Boolean b) return new SigmaValue.Exists(b);
            throw new RuleException(
                    path, "'exists' takes true or false, not '" + abbreviate(String.valueOf(raw)) + "'");
        }
        if (mods.contains("fieldref")) {
            if (!(raw instanceof String s) || s.isEmpty()) {
                throw new RuleException(
                        path, "'fieldref' takes a field name, not '" + abbreviate(String.valueOf(raw)) + "'");
            }
            Str parsed = SigmaStrings.parse(s, false);
            if (parsed.hasWildcards()) throw new RuleException(path, "a field reference must not contain wildcards");
            return new SigmaValue.FieldRef(
                    parsed.plain(),
                    mods.contains("startswith") || mods.contains("contains"),
                    mods.contains("endswith") || mods.contains("contains"),
                    mods.contains("cased"));
        }
        SigmaValue v = initial(raw, mods.contains("expand"));
        for (String m : mods) {
            v = transform(v, m, placeholders, path);
        }
        return v;
    }

    /**
     * Refuses what YAML can produce but a Sigma value cannot be: maps, lists, sets ({@code !!set}), binary ({@code
     * !!binary}) and numbers that are not finite ({@code .inf}, {@code -.inf}, {@code .nan}, or a literal too large
     * for a double such as {@code 1e999}, which YAML reads as infinity).
     */
    private static void checkScalar(Object raw, String path) throws RuleException {
        if (raw == null || raw instanceof String || raw instanceof Boolean) return;
        if (raw instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    throw new RuleException(
                            path,
                            "'" + yamlText(d) + "' is not a finite number (YAML reads .inf, .nan and literals beyond"
                                    + " ±1.8e308 as such) and can be neither matched nor compared; quote it to match"
                                    + " the text");
                }
            }
            return;
        }
        String what = raw instanceof Map
                ? "map"
                : raw instanceof List
                        ? "list"
                        : raw instanceof Set
                                ? "set (!!set)"
                                : raw instanceof byte[]
                                        ? "binary value (!!binary)"
                                        : raw.getClass().getSimpleName();
        throw new RuleException(path, "a value must be a string, number, boolean or null, not a " + what);
    }

    private static String yamlText(double d) {
        return Double.isNaN(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
    }

    private static String rawText(Object raw) {
        return raw instanceof String s ? s : numberText((Number) raw);
    }

    private static SigmaValue initial(Object raw, boolean placeholders) {
        if (raw == null) return new SigmaValue.Null();
        if (raw instanceof Boolean b) return new SigmaValue.Bool(b);
        if (raw instanceof String s) return SigmaStrings.parse(s, placeholders);
        return number((Number) raw);
    }

    /**
     * A YAML number as a Sigma number, as pySigma's {@code SigmaNumber}: a float with an integral value is that
     * integer ({@code 1.0} is {@code 1}, text {@code "1"}), other floats keep their shortest decimal form. Only
     * finite numbers reach here ({@link #checkScalar}).
     */
    static SigmaValue.Num number(Number n) {
        Number v = integral(n);
        return new SigmaValue.Num(v, numberText(v));
    }

    private static Number integral(Number n) {
        if (!(n instanceof Double || n instanceof Float)) return n;
        double d = n.doubleValue();
        if (d != Math.rint(d)) return d;
        if (Math.abs(d) < 0x1p62) return (long) d;
        return BigDecimal.valueOf(d).toBigInteger();
    }

    /**
     * The text of a finite number: integers in full, floats in plain decimal notation (a double has at most ~330
     * digits that way, so this is bounded).
     */
    static String numberText(Number n) {
        Number v = integral(n);
        if (v instanceof Double d) return BigDecimal.valueOf(d).toPlainString();
        return String.valueOf(v);
    }

    private static SigmaValue transform(SigmaValue v, String m, Placeholders ph, String path) throws RuleException {
        if (v instanceof SigmaValue.Expansion ex) {
            List<SigmaValue> out = new ArrayList<>();
            for (SigmaValue e : ex.values()) {
                SigmaValue t = transform(e, m, ph, path);
                if (t instanceof SigmaValue.Expansion inner) out.addAll(inner.values());
                else out.add(t);
            }
            if (out.size() > MAX_EXPANSION) {
                throw new RuleException(path, "'" + m + "' expands to more than " + MAX_EXPANSION + " values");
            }
            return new SigmaValue.Expansion(out);
        }
        switch (m) {
            case "all", "neq", "re", "i", "m", "s", "cidr", "exists", "fieldref" -> {
                return v;
            }
            case "contains", "startswith", "endswith" -> {
                Str s = asString(v, m, path);
                List<Object> parts = new ArrayList<>(s.parts());
                if (!m.equals("endswith") && !s.endsWithMulti()) parts.add(Wildcard.MULTI);
                if (!m.equals("startswith") && !s.startsWithMulti()) parts.add(0, Wildcard.MULTI);
                return new Str(parts, s.cased(), s.bytes());
            }
            case "cased" -> {
                Str s = asString(v, m, path);
                return new Str(s.parts(), true, s.bytes());
            }
            case "base64", "base64offset" -> {
                Str s = asString(v, m, path);
                if (s.hasWildcards() || s.hasPlaceholders()) {
                    throw new RuleException(
                            path,
                            "'" + m + "' cannot encode wildcards or placeholders ('" + abbreviate(s.toString())
                                    + "'); put 'contains'/'startswith'/'endswith' after it");
                }
                byte[] data = s.bytes()
                        ? s.plain().getBytes(StandardCharsets.ISO_8859_1)
                        : s.plain().getBytes(StandardCharsets.UTF_8);
                if (m.equals("base64")) {
                    return new Str(List.of(Base64.getEncoder().encodeToString(data)), s.cased(), false);
                }
                return base64offset(data, s.cased());
            }
            case "wide", "utf16le", "utf16be", "utf16" -> {
                Str s = asString(v, m, path);
                List<Object> parts = new ArrayList<>();
                if (m.equals("utf16")) parts.add("\u00ff\u00fe");
                for (Object p : s.parts()) {
                    if (p instanceof String lit) {
                        StringBuilder b = new StringBuilder(lit.length() * 2);
                        for (int k = 0; k < lit.length(); k++) {
                            char c = lit.charAt(k);
                            if (c > 127) {
                                throw new RuleException(
                                        path,
                                        "'" + m + "' supports ASCII text only (as pySigma); '" + abbreviate(lit)
                                                + "' is not");
                            }
                            if (m.equals("utf16be")) b.append('\0').append(c);
                            else b.append(c).append('\0');
                        }
                        parts.add(b.toString());
                    } else {
                        parts.add(p);
                    }
                }
                return new Str(SigmaStrings.normalize(parts), s.cased(), true);
            }
            case "windash" -> {
                return windash(asString(v, m, path), path);
            }
            case "expand" -> {
                if (!(v instanceof Str s) || !s.hasPlaceholders()) return v;
                return expand(s, ph, path);
            }
            case "lt", "lte", "gt", "gte" -> {
                SigmaValue.Num n = asNumber(v, m, path);
                return new SigmaValue.Compare(SigmaValue.CompareOp.valueOf(m.toUpperCase(Locale.ROOT)), n);
            }
            case "minute", "hour", "day", "week", "month", "year" -> {
                SigmaValue.Num n = asNumber(v, m, path);
                if (!(n.value() instanceof Integer || n.value() instanceof Long)) {
                    throw new RuleException(
                            path,
                            "'" + m + "' compares with a whole number"
                                    + (n.value() instanceof BigInteger ? " in range" : "") + ", not " + n.text());
                }
                return new SigmaValue.TimePart(
                        SigmaValue.TimeUnitPart.valueOf(m.toUpperCase(Locale.ROOT)),
                        n.value().longValue());
            }
            default -> throw new RuleException(path, "unknown modifier '" + m + "'");
        }
    }

    private static Str asString(SigmaValue v, String m, String path) throws RuleException {
        if (v instanceof Str s) return s;
        if (v instanceof SigmaValue.Num n) {
            if (m.equals("cased"))
                throw new RuleException(path, "'cased' applies to strings, not the number " + n.text());
            return SigmaStrings.literal(n.text());
        }
        throw new RuleException(path, "'" + m + "' applies to strings, not " + describe(v));
    }

    private static SigmaValue.Num asNumber(SigmaValue v, String m, String path) throws RuleException {
        if (v instanceof SigmaValue.Num n) return n;
        if (v instanceof Str s && !s.hasWildcards() && !s.hasPlaceholders()) {
            String t = s.plain().trim();
            // bounded before any regex: a megabyte of digits would make the float pattern backtrack quadratically
            if (t.length() <= 400) {
                try {
                    if (INTEGER.matcher(t).matches()) return number(new BigInteger(t));
                    if (FLOAT.matcher(t).matches()) {
                        double d = Double.parseDouble(t);
                        if (!Double.isFinite(d)) {
                            throw new RuleException(path, "'" + m + "' compares numbers; '" + t + "' is out of range");
                        }
                        return number(d);
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the refusal
                }
            }
        }
        throw new RuleException(
                path, "'" + m + "' compares numbers; '" + abbreviate(String.valueOf(v)) + "' is not a number");
    }

    /** A value for an error message: long values (a hostile rule may hold megabytes) are cut with their length. */
    static String abbreviate(String s) {
        if (s.length() <= 200) return s;
        return s.substring(0, 160) + "… (" + s.length() + " characters)";
    }

    private static String describe(SigmaValue v) {
        return switch (v) {
            case SigmaValue.Null n -> "null";
            case SigmaValue.Bool b -> "the boolean " + b.value();
            case SigmaValue.Compare c -> "a numeric comparison";
            case SigmaValue.TimePart t -> "a time part";
            default -> v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        };
    }

    /** pySigma's base64offset: the three encodings of the value shifted by 0, 1, 2 bytes, with unstable ends cut. */
    private static SigmaValue base64offset(byte[] data, boolean cased) {
        int[] start = {0, 2, 3};
        int[] endCut = {0, 3, 2}; // python slice ends: None, -3, -2
        List<SigmaValue> out = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[data.length + i];
            for (int k = 0; k < i; k++) shifted[k] = ' ';
            System.arraycopy(data, 0, shifted, i, data.length);
            String enc = Base64.getEncoder().encodeToString(shifted);
            int cut = endCut[(data.length + i) % 3];
            int end = enc.length() - cut;
            String part = start[i] < end ? enc.substring(start[i], end) : "";
            out.add(new Str(part.isEmpty() ? List.of() : List.of(part), cased, false));
        }
        return new SigmaValue.Expansion(out);
    }

    private static SigmaValue windash(Str s, String path) throws RuleException {
        // each literal part: positions to vary
        List<List<Object>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        for (Object p : s.parts()) {
            if (!(p instanceof String lit)) {
                for (List<Object> v : variants) v.add(p);
                continue;
            }
            Matcher mt = WINDASH.matcher(lit);
            List<Integer> positions = new ArrayList<>();
            while (mt.find()) positions.add(mt.start());
            if (positions.isEmpty()) {
                for (List<Object> v : variants) v.add(lit);
                continue;
            }
            long total = (long) variants.size() * pow(DASHES.length, positions.size());
            if (total > MAX_EXPANSION) {
                throw new RuleException(
                        path,
                        "'windash' on '" + abbreviate(s.toString()) + "' expands to " + total + " values (limit "
                                + MAX_EXPANSION + ")");
            }
            List<List<Object>> next = new ArrayList<>();
            int combos = (int) pow(DASHES.length, positions.size());
            for (List<Object> v : variants) {
                for (int c = 0; c < combos; c++) {
                    StringBuilder b = new StringBuilder(lit);
                    int code = c;
                    for (int k = positions.size() - 1; k >= 0; k--) {
                        int pos = positions.get(k);
                        b.replace(pos, pos + 1, DASHES[code % DASHES.length]);
                        code /= DASHES.length;
                    }
                    List<Object> nv = new ArrayList<>(v);
                    nv.add(b.toString());
                    next.add(nv);
                }
            }
            variants = next;
        }
        List<SigmaValue> out = new ArrayList<>(variants.size());
        for (List<Object> v : variants) out.add(new Str(SigmaStrings.normalize(v), s.cased(), s.bytes()));
        return out.size() == 1 ? out.get(0) : new SigmaValue.Expansion(out);
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) {
            r *= base;
            if (r > Integer.MAX_VALUE) return r;
        }
        return r;
    }

    private static SigmaValue expand(Str s, Placeholders ph, String path) throws RuleException {
        List<List<Object>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        for (Object p : s.parts()) {
            if (!(p instanceof SigmaValue.Placeholder placeholder)) {
                for (List<Object> v : variants) v.add(p);
                continue;
            }
            List<String> values = ph == null ? null : ph.get(placeholder.name());
            if (values == null) {
                throw new RuleException(
                        path,
                        "placeholder %" + placeholder.name() + "% is not defined"
                                + (ph == null || ph.origin() == null
                                        ? " (give a placeholder file: --placeholders FILE)"
                                        : " in " + ph.origin()));
            }
            if ((long) variants.size() * values.size() > MAX_EXPANSION) {
                throw new RuleException(path, "placeholders expand to more than " + MAX_EXPANSION + " values");
            }
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> v : variants) {
                for (String value : values) {
                    List<Object> nv = new ArrayList<>(v);
                    nv.addAll(SigmaStrings.parse(value, false).parts());
                    next.add(nv);
                }
            }
            variants = next;
        }
        List<SigmaValue> out = new ArrayList<>(variants.size());
        for (List<Object> v : variants) out.add(new Str(SigmaStrings.normalize(v), s.cased(), s.bytes()));
        return out.size() == 1 ? out.get(0) : new SigmaValue.Expansion(out);
    }
}
