package dev.vigil.engine.compile;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Literals a regular expression needs: a set of lower-case strings such that whenever the expression finds a match
 * in a text, the text's {@code Locale.ROOT} lower-case form contains at least one of them. Used to give regex leaves
 * a witness (in the manner of Google Code Search's trigram query extraction, over whole literals).
 *
 * <p>Works on RE2 syntax (what {@code RegexTranslator} produced) with a small recursive-descent parser that tracks,
 * per sub-expression, the exact strings it can match (when few), the prefixes and suffixes every match has, and a
 * set one of which every match contains. Anything the parser does not understand yields "no literals" — never a
 * guess, so the result is always sound.
 *
 * <p>Case: a text character matched by a literal or class is lower-cased by {@code Locale.ROOT} one-to-one when it
 * is ASCII. With case-insensitive matching RE2 also matches the Unicode simple case folds of a letter: {@code k}
 * also matches KELVIN SIGN (U+212A, whose lower case is {@code k}) and {@code s} also matches LONG S (U+017F, whose
 * lower case is itself), so an {@code s} contributes both {@code s} and {@code ſ}. Non-ASCII literal characters
 * contribute nothing (their lower case may depend on context or change length). {@code RegexLiteralsTest} checks
 * these folds for every ASCII letter against RE2J itself.
 */
public final class RegexLiterals {
    private static final int MAX_SET = 32;
    private static final int MAX_LEN = 64;
    private static final int MAX_CLASS = 10;
    private static final char LONG_S = '\u017F';

    private final String p;
    private int pos;

    private RegexLiterals(String pattern) {
        this.p = pattern;
    }

    /** Thrown on syntax this extractor does not handle; the caller then claims nothing. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * The literals (lower-case, non-empty) one of which every match contains, or null when none can be claimed.
     *
     * @param pattern RE2 syntax
     * @param caseInsensitive whether the pattern was compiled with {@code CASE_INSENSITIVE}
     */
    public static Set<String> required(String pattern, boolean caseInsensitive) {
        try {
            RegexLiterals r = new RegexLiterals(pattern);
            Info info = r.alternation(new boolean[] {caseInsensitive});
            if (r.pos != pattern.length()) return null;
            Set<String> best = info.best();
            if (best == null || best.contains("")) return null;
            return best;
        } catch (Unsupported | StackOverflowError e) {
            return null;
        }
    }

    /** What is known of the matches of a sub-expression; null sets mean "nothing known". */
    private record Info(Set<String> exact, Set<String> prefix, Set<String> suffix, Set<String> must) {
        static final Info ANY = new Info(null, null, null, null);
        static final Info EMPTY = new Info(Set.of(""), null, null, null);

        Set<String> pre() {
            return exact != null ? exact : prefix;
        }

        Set<String> suf() {
            return exact != null ? exact : suffix;
        }

        /** The cheapest set one of whose strings every match contains. */
        Set<String> best() {
            Set<String> b = null;
            double cost = Double.MAX_VALUE;
            for (Set<String> s : new Set[] {exact, prefix, suffix, must}) {
                double c = cost(s);
                if (c < cost) {
                    cost = c;
                    b = s;
                }
            }
            return b;
        }
    }

    static double cost(Set<String> s) {
        if (s == null || s.isEmpty()) return Double.MAX_VALUE;
        double c = 0;
        for (String x : s) {
            if (x.isEmpty()) return Double.MAX_VALUE;
            c += containsCost(x);
        }
        return c;
    }

    /**
     * Estimated chance that a value of typical length contains the lower-case literal, from rough character
     * frequencies in log text (letters and separators common, other punctuation and non-ASCII rare). Only steers
     * choices between sound alternatives.
     */
    public static double containsCost(String lit) {
        return Math.max(1e-4, Math.min(1.0, 64 * charProbability(lit)));
    }

    /** Estimated chance that a value starts (or ends) with the lower-case literal. */
    public static double anchoredCost(String lit) {
        return Math.max(1e-4, Math.min(1.0, 4 * charProbability(lit)));
    }

    /** Estimated chance that a value equals the lower-case literal. */
    public static double equalsCost(String lit) {
        return Math.max(5e-3, Math.min(1.0, charProbability(lit)));
    }

    private static double charProbability(String lit) {
        double p = 1;
        for (int i = 0; i < lit.length() && p > 1e-12; i++) p *= charFrequency(lit.charAt(i));
        return p;
    }

    /** Rough frequency of a lower-case character in log text (see {@link #containsCost}). */
    public static double charFrequency(char c) {
        return c < 128 ? ASCII_FREQUENCY[c] : 0.001;
    }

    private static final double[] ASCII_FREQUENCY = new double[128];

    static {
        for (char c = 0; c < 128; c++) {
            double f;
            if (c >= 'a' && c <= 'z') f = "etaoinsrlhcdmup".indexOf(c) >= 0 ? 0.06 : 0.02;
            else if (c >= '0' && c <= '9') f = 0.04;
            else
                f = switch (c) {
                    case ' ' -> 0.1;
                    case '\\', '.' -> 0.05;
                    case '-', ':', '/', '_', ',' -> 0.02;
                    case '"', '=', '\'', '(', ')' -> 0.008;
                    default -> 0.003;
                };
            ASCII_FREQUENCY[c] = f;
        }
    }

    // ---- parser --------------------------------------------------------------------------------------------------

    private boolean more() {
        return pos < p.length();
    }

    private char peek() {
        return p.charAt(pos);
    }

    private Info alternation(boolean[] ci) {
        Info acc = concatenation(ci);
        while (more() && peek() == '|') {
            pos++;
            acc = alt(acc, concatenation(ci));
        }
        return acc;
    }

    private Info concatenation(boolean[] ci) {
        Info acc = Info.EMPTY;
        while (more() && peek() != '|' && peek() != ')') {
            Info atom = repeat(ci);
            if (atom != null) acc = concat(acc, atom);
        }
        return acc;
    }

    /** An atom with its quantifiers; null for a flag group such as {@code (?i)} (no match of its own). */
    private Info repeat(boolean[] ci) {
        Info a = atom(ci);
        if (a == null) return null;
        while (more()) {
            char c = peek();
            int min;
            int max;
            if (c == '*') {
                pos++;
                min = 0;
                max = -1;
            } else if (c == '+') {
                pos++;
                min = 1;
                max = -1;
            } else if (c == '?') {
                pos++;
                min = 0;
                max = 1;
            } else if (c == '{' && isCount()) {
                pos++;
                min = number();
                max = min;
                if (peek() == ',') {
                    pos++;
                    max = peek() == '}' ? -1 : number();
                }
                expect('}');
            } else {
                break;
            }
            if (more() && peek() == '?') pos++; // lazy: same language
            a = quantified(a, min, max);
        }
        return a;
    }

    private boolean isCount() {
        int i = pos + 1;
        int digits = 0;
        while (i < p.length() && Character.isDigit(p.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0) return false;
        if (i < p.length() && p.charAt(i) == ',') {
            i++;
            while (i < p.length() && Character.isDigit(p.charAt(i))) i++;
        }
        return i < p.length() && p.charAt(i) == '}';
    }

    private int number() {
        int start = pos;
        while (more() && Character.isDigit(peek())) pos++;
        if (pos == start || pos - start > 6) throw new Unsupported();
        return Integer.parseInt(p, start, pos, 10);
    }

    private void expect(char c) {
        if (!more() || peek() != c) throw new Unsupported();
        pos++;
    }

    private Info atom(boolean[] ci) {
        char c = peek();
        switch (c) {
            case '(' -> {
                return group(ci);
            }
            case '[' -> {
                return charClass(ci[0]);
            }
            case '.' -> {
                pos++;
                return Info.ANY;
            }
            case '^', '$' -> {
                pos++;
                return Info.EMPTY;
            }
            case '\\' -> {
                return escape(ci[0]);
            }
            case '*', '+', '?', ')', '|' -> throw new Unsupported();
            default -> {
                pos++;
                return literal(c, ci[0]);
            }
        }
    }

    private Info group(boolean[] ci) {
        pos++; // (
        boolean[] inner = {ci[0]};
        if (more() && peek() == '?') {
            pos++;
            if (!more()) throw new Unsupported();
            char c = peek();
            if (c == 'P' || c == '<') {
                if (c == 'P') pos++;
                expect('<');
                while (more() && peek() != '>') pos++;
                expect('>');
            } else {
                // flags: (?i) (?-i) (?i:...) (?s) (?m) (?U) combinations
                boolean negate = false;
                boolean on = ci[0];
                while (more() && peek() != ')' && peek() != ':') {
                    char f = peek();
                    pos++;
                    switch (f) {
                        case '-' -> negate = true;
                        case 'i' -> on = !negate;
                        case 'm', 's', 'U' -> {}
                        default -> throw new Unsupported();
                    }
                }
                if (!more()) throw new Unsupported();
                if (peek() == ')') {
                    pos++;
                    ci[0] = on; // applies to the rest of the enclosing group
                    return null;
                }
                pos++; // ':'
                inner[0] = on;
            }
        }
        Info in = alternation(inner);
        expect(')');
        return in;
    }

    private Info literal(char c, boolean ci) {
        if (c >= 0x80) return Info.ANY;
        char l = Character.toLowerCase(c);
        if (ci && l == 's') return exact(Set.of("s", String.valueOf(LONG_S)));
        return exact(Set.of(String.valueOf(l)));
    }

    private static Info exact(Set<String> s) {
        return new Info(s, null, null, null);
    }

    private Info escape(boolean ci) {
        pos++; // backslash
        if (!more()) throw new Unsupported();
        char d = peek();
        pos++;
        switch (d) {
            case 'd', 'D', 'w', 'W', 's', 'S' -> {
                return Info.ANY;
            }
            case 'b', 'B', 'A', 'z' -> {
                return Info.EMPTY;
            }
            case 'p', 'P' -> {
                if (more() && peek() == '{') {
                    while (more() && peek() != '}') pos++;
                    expect('}');
                } else if (more()) {
                    pos++;
                }
                return Info.ANY;
            }
            case 'x' -> {
                return literalOrAny(hex(), ci);
            }
            case 'n' -> {
                return literal('\n', ci);
            }
            case 't' -> {
                return literal('\t', ci);
            }
            case 'r' -> {
                return literal('\r', ci);
            }
            case 'f' -> {
                return literal('\f', ci);
            }
            case 'v' -> {
                return literal('\u000B', ci);
            }
            case 'a' -> {
                return literal('\u0007', ci);
            }
            case 'Q' -> {
                int end = p.indexOf("\\E", pos);
                String lit = end < 0 ? p.substring(pos) : p.substring(pos, end);
                pos = end < 0 ? p.length() : end + 2;
                Info acc = Info.EMPTY;
                for (int i = 0; i < lit.length(); i++) acc = concat(acc, literal(lit.charAt(i), ci));
                return acc;
            }
            default -> {
                if (Character.isLetterOrDigit(d)) throw new Unsupported(); // an escape we do not model
                return literal(d, ci); // escaped punctuation
            }
        }
    }

    private Info literalOrAny(int cp, boolean ci) {
        return cp < 0x80 ? literal((char) cp, ci) : Info.ANY;
    }

    private int hex() {
        if (more() && peek() == '{') {
            pos++;
            int start = pos;
            while (more() && peek() != '}') pos++;
            String h = p.substring(start, pos);
            expect('}');
            if (h.isEmpty() || h.length() > 6) throw new Unsupported();
            return Integer.parseInt(h, 16);
        }
        if (pos + 2 > p.length()) throw new Unsupported();
        String h = p.substring(pos, pos + 2);
        pos += 2;
        try {
            return Integer.parseInt(h, 16);
        } catch (NumberFormatException e) {
            throw new Unsupported();
        }
    }

    /** A bracket expression: the lower-cased set of characters when small and ASCII, else "any character". */
    private Info charClass(boolean ci) {
        pos++; // [
        boolean negated = false;
        if (more() && peek() == '^') {
            negated = true;
            pos++;
        }
        Set<String> chars = new LinkedHashSet<>();
        boolean unknown = false;
        boolean first = true;
        while (true) {
            if (!more()) throw new Unsupported();
            char c = peek();
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            int lo;
            if (c == '[' && pos + 1 < p.length() && p.charAt(pos + 1) == ':') {
                int end = p.indexOf(":]", pos + 2);
                if (end < 0) throw new Unsupported();
                pos = end + 2;
                unknown = true;
                continue;
            }
            if (c == '\\') {
                pos++;
                if (!more()) throw new Unsupported();
                char d = peek();
                pos++;
                switch (d) {
                    case 'd', 'D', 'w', 'W', 's', 'S' -> {
                        unknown = true;
                        continue;
                    }
                    case 'p', 'P' -> {
                        if (more() && peek() == '{') {
                            while (more() && peek() != '}') pos++;
                            expect('}');
                        } else if (more()) {
                            pos++;
                        }
                        unknown = true;
                        continue;
                    }
                    case 'x' -> lo = hex();
                    case 'n' -> lo = '\n';
                    case 't' -> lo = '\t';
                    case 'r' -> lo = '\r';
                    case 'f' -> lo = '\f';
                    case 'v' -> lo = 0x0B;
                    case 'a' -> lo = 0x07;
                    default -> {
                        if (Character.isLetterOrDigit(d)) throw new Unsupported();
                        lo = d;
                    }
                }
            } else {
                pos++;
                lo = c;
            }
            int hi = lo;
            if (more() && peek() == '-' && pos + 1 < p.length() && p.charAt(pos + 1) != ']') {
                pos++;
                char h = peek();
                if (h == '\\') {
                    pos++;
                    if (!more()) throw new Unsupported();
                    char d = peek();
                    pos++;
                    if (d == 'x') hi = hex();
                    else if (Character.isLetterOrDigit(d)) throw new Unsupported();
                    else hi = d;
                } else {
                    pos++;
                    hi = h;
                }
                if (hi < lo) throw new Unsupported();
            }
            if (hi >= 0x80 || hi - lo > 64) {
                unknown = true;
                continue;
            }
            for (int x = lo; x <= hi; x++) {
                char l = Character.toLowerCase((char) x);
                chars.add(String.valueOf(l));
                if (ci && l == 's') chars.add(String.valueOf(LONG_S));
            }
        }
        if (negated || unknown || chars.isEmpty() || chars.size() > MAX_CLASS) return Info.ANY;
        return exact(chars);
    }

    // ---- combining -----------------------------------------------------------------------------------------------

    private static Info quantified(Info a, int min, int max) {
        if (max == 0) return Info.EMPTY;
        if (min == 0) {
            if (max == 1 && a.exact != null) {
                Set<String> e = new LinkedHashSet<>(a.exact);
                e.add("");
                return e.size() <= MAX_SET ? exact(e) : Info.ANY;
            }
            return Info.ANY;
        }
        if (min == 1 && max == 1) return a;
        // at least one repetition: every match starts with a match of a, ends with one, contains one
        return new Info(null, a.pre(), a.suf(), a.best());
    }

    private static Info concat(Info x, Info y) {
        Set<String> exact = cross(x.exact, y.exact, 0);
        Set<String> prefix;
        if (x.exact != null) prefix = y.pre() != null ? cross(x.exact, y.pre(), 1) : x.exact;
        else prefix = x.prefix;
        Set<String> suffix;
        if (y.exact != null) suffix = x.suf() != null ? cross(x.suf(), y.exact, 2) : y.exact;
        else suffix = y.suffix;
        Set<String> must = cheapest(x.best(), y.best(), cross(x.suf(), y.pre(), 3));
        return new Info(exact, noEmpty(prefix), noEmpty(suffix), noEmpty(must));
    }

    private static Info alt(Info x, Info y) {
        Set<String> exact = union(x.exact, y.exact);
        Set<String> prefix = union(x.pre(), y.pre());
        Set<String> suffix = union(x.suf(), y.suf());
        Set<String> must = union(x.best(), y.best());
        return new Info(exact, noEmpty(prefix), noEmpty(suffix), noEmpty(must));
    }

    private static Set<String> noEmpty(Set<String> s) {
        return s == null || s.isEmpty() || s.contains("") ? null : s;
    }

    private static Set<String> cheapest(Set<String> a, Set<String> b, Set<String> c) {
        Set<String> best = null;
        double cost = Double.MAX_VALUE;
        for (Set<String> s : java.util.Arrays.asList(a, b, c)) {
            double k = cost(s);
            if (k < cost) {
                cost = k;
                best = s;
            }
        }
        return best;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (a == null || b == null) return null;
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u.size() <= MAX_SET ? u : null;
    }

    /**
     * All concatenations; mode 0 exact (too long: nothing known), 1 prefix (keep the first MAX_LEN characters), 2
     * suffix (keep the last), 3 contains (keep either end: a substring of a required substring is required).
     */
    private static Set<String> cross(Set<String> a, Set<String> b, int mode) {
        if (a == null || b == null) return null;
        if ((long) a.size() * b.size() > MAX_SET) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                String s = x + y;
                if (s.length() > MAX_LEN) {
                    if (mode == 0) return null;
                    s = mode == 2 ? s.substring(s.length() - MAX_LEN) : s.substring(0, MAX_LEN);
                }
                out.add(s);
            }
        }
        return out;
    }
}
