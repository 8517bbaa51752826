package dev.vigil.engine.rule;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Translates a Sigma regular expression (the spec's PCRE subset) to RE2J, which matches in time linear in the input
 * and cannot backtrack catastrophically. Constructs RE2 cannot express with the same meaning are refused with a
 * reason instead of being approximated:
 *
 * <ul>
 *   <li>refused: backreferences, lookahead/lookbehind, atomic groups, possessive quantifiers, recursion, conditionals,
 *       extended mode {@code (?x)}, PCRE-only escapes ({@code \h \v \R \K \G \X \C});
 *   <li>translated: {@code (?<name>…)}/{@code (?'name'…)} → {@code (?P<name>…)}, {@code \Z} and (without the
 *       {@code m} flag) {@code $} → "end, or before a final newline" as in PCRE, {@code \e} → {@code \x1B}, {@code
 *       \_} → {@code _};
 *   <li>bounded: the automaton size implied by counted repetitions is capped so a rule cannot exhaust memory.
 * </ul>
 *
 * Flags: {@code i} case-insensitive, {@code m} multi-line, {@code s} dot matches newline. Reference: Sigma modifiers
 * appendix v2.1 ("Regular Expression"), RE2 syntax.
 */
public final class RegexTranslator {
    /** Largest automaton (in repeated atoms) a rule's regex may imply. */
    static final long MAX_EXPANDED_SIZE = 100_000;

    static final int MAX_PATTERN_LENGTH = 32_768;

    private RegexTranslator() {}

    /** Translates and compiles; {@code path} names the value in errors. */
    public static SigmaValue.Regex compile(String pcre, boolean i, boolean m, boolean s, String path)
            throws RuleException {
        if (pcre.length() > MAX_PATTERN_LENGTH) {
            throw new RuleException(path, "regular expression longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        String translated = translate(pcre, m, path);
        long size = expandedSize(translated);
        if (size > MAX_EXPANDED_SIZE) {
            throw new RuleException(
                    path,
                    "regular expression implies an automaton of ~" + size + " states (counted repetitions);"
                            + " the limit is " + MAX_EXPANDED_SIZE);
        }
        int flags = (i ? Pattern.CASE_INSENSITIVE : 0) | (m ? Pattern.MULTILINE : 0) | (s ? Pattern.DOTALL : 0);
        try {
            return new SigmaValue.Regex(pcre, translated, flags, Pattern.compile(translated, flags));
        } catch (PatternSyntaxException e) {
            throw new RuleException(
                    path, "invalid or unsupported regular expression '" + pcre + "': " + e.getMessage());
        }
    }

    static String translate(String p, boolean multiline, String path) throws RuleException {
        boolean inlineM = hasInlineFlag(p, 'm');
        StringBuilder out = new StringBuilder(p.length() + 16);
        int n = p.length();
        boolean inClass = false;
        int i = 0;
        while (i < n) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) throw new RuleException(path, "regular expression ends with a lone backslash");
                char d = p.charAt(i + 1);
                i += 2;
                if (d >= '1' && d <= '9' && !inClass) {
                    throw unsupported(path, p, "backreference \\" + d + " (RE2 matches in linear time and has none)");
                }
                switch (d) {
                    case 'k', 'g' -> throw unsupported(path, p, "backreference \\" + d);
                    case 'h', 'H', 'v', 'V', 'R', 'K', 'G', 'X', 'C', 'N' ->
                        throw unsupported(path, p, "PCRE-only escape \\" + d);
                    case 'c' -> throw unsupported(path, p, "control escape \\c");
                    case 'e' -> out.append("\\x1B");
                    case '_' -> out.append('_');
                    case 'Z' -> {
                        if (inClass) throw unsupported(path, p, "\\Z inside a character class");
                        out.append("(?:\\n?\\z)");
                    }
                    default -> {
                        if (d > 127 && !Character.isLetterOrDigit(d)) {
                            out.append(d); // PCRE: an escaped non-ASCII symbol is itself
                        } else {
                            out.append('\\').append(d);
                        }
                    }
                }
                continue;
            }
            if (inClass) {
                if (c == '[' && i + 1 < n && p.charAt(i + 1) == ':') {
                    int end = p.indexOf(":]", i + 2);
                    if (end > 0) {
                        out.append(p, i, end + 2);
                        i = end + 2;
                        continue;
                    }
                }
                if (c == ']') inClass = false;
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    inClass = true;
                    out.append(c);
                    i++;
                    if (i < n && p.charAt(i) == '^') out.append(p.charAt(i++));
                    if (i < n && p.charAt(i) == ']') out.append(p.charAt(i++)); // literal ] first in class
                }
                case '(' -> {
                    if (i + 1 < n && p.charAt(i + 1) == '?') {
                        i = group(p, i, out, path);
                    } else if (i + 1 < n && p.charAt(i + 1) == '*') {
                        throw unsupported(path, p, "PCRE verb '(*'");
                    } else {
                        out.append(c);
                        i++;
                    }
                }
                case '*', '+', '?' -> {
                    out.append(c);
                    i++;
                    if (i < n && p.charAt(i) == '+') throw unsupported(path, p, "possessive quantifier '" + c + "+'");
                }
                case '}' -> {
                    out.append(c);
                    i++;
                    if (i < n && p.charAt(i) == '+' && closesRepeat(p, i - 1)) {
                        throw unsupported(path, p, "possessive quantifier '}+'");
                    }
                }
                case '$' -> {
                    out.append(multiline || inlineM ? "$" : "(?:\\n?\\z)");
                    i++;
                }
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        if (inClass) throw new RuleException(path, "regular expression '" + p + "' has an unterminated '['");
        return out.toString();
    }

    private static int group(String p, int i, StringBuilder out, String path) throws RuleException {
        // p[i] == '(' and p[i+1] == '?'
        int n = p.length();
        char k = i + 2 < n ? p.charAt(i + 2) : 0;
        switch (k) {
            case ':' -> {
                out.append("(?:");
                return i + 3;
            }
            case '=', '!' -> throw unsupported(path, p, "lookahead '(?" + k + "'");
            case '>' -> throw unsupported(path, p, "atomic group '(?>'");
            case '|' -> throw unsupported(path, p, "branch reset group '(?|'");
            case '(' -> throw unsupported(path, p, "conditional group '(?('");
            case '#' -> throw unsupported(path, p, "comment group '(?#'");
            case 'R', '&', '+', '-' -> {
                if (k == '-' && i + 3 < n && Character.isLetter(p.charAt(i + 3))) break; // (?-i) flag group
                throw unsupported(path, p, "recursion '(?" + k + "'");
            }
            case '<' -> {
                char k2 = i + 3 < n ? p.charAt(i + 3) : 0;
                if (k2 == '=' || k2 == '!') throw unsupported(path, p, "lookbehind '(?<" + k2 + "'");
                out.append("(?P<");
                return i + 3;
            }
            case '\'' -> {
                int end = p.indexOf('\'', i + 3);
                if (end < 0) throw new RuleException(path, "unterminated named group in '" + p + "'");
                out.append("(?P<").append(p, i + 3, end).append('>');
                return end + 1;
            }
            case 'P' -> {
                char k2 = i + 3 < n ? p.charAt(i + 3) : 0;
                if (k2 == '>' || k2 == '=') throw unsupported(path, p, "named backreference/recursion '(?P" + k2 + "'");
                out.append("(?P");
                return i + 3;
            }
            default -> {
                if (Character.isDigit(k)) throw unsupported(path, p, "recursion '(?" + k + "'");
            }
        }
        // inline flags: (?i) (?s-m:...) ...
        int j = i + 2;
        while (j < n && (Character.isLetter(p.charAt(j)) || p.charAt(j) == '-')) {
            char f = p.charAt(j);
            if (f != '-' && "imsU".indexOf(f) < 0) {
                throw unsupported(path, p, "inline flag '" + f + "'" + (f == 'x' ? " (extended mode)" : ""));
            }
            j++;
        }
        out.append(p, i, j);
        return j;
    }

    private static boolean closesRepeat(String p, int close) {
        int open = p.lastIndexOf('{', close);
        if (open < 0) return false;
        String inner = p.substring(open + 1, close);
        return inner.matches("\\d+(,\\d*)?");
    }

    private static boolean hasInlineFlag(String p, char flag) {
        int idx = p.indexOf("(?");
        while (idx >= 0) {
            int j = idx + 2;
            while (j < p.length() && Character.isLetter(p.charAt(j))) {
                if (p.charAt(j) == flag) return true;
                j++;
            }
            idx = p.indexOf("(?", idx + 2);
        }
        return false;
    }

    private static RuleException unsupported(String path, String p, String what) {
        return new RuleException(path, "regular expression '" + p + "' uses " + what + ", which RE2 cannot match");
    }

    /**
     * Estimates the number of atoms after counted repetitions are expanded (RE2 expands {@code x{n,m}} into copies):
     * a sum over a sequence, a product through nested repetitions.
     */
    static long expandedSize(String re) {
        Deque<long[]> stack = new ArrayDeque<>(); // per open group: {size so far}
        long[] top = {0};
        long lastAtom = 0;
        int n = re.length();
        boolean inClass = false;
        for (int i = 0; i < n; i++) {
            char c = re.charAt(i);
            if (inClass) {
                if (c == '\\') i++;
                else if (c == ']') {
                    inClass = false;
                    lastAtom = 1;
                    top[0] += 1;
                }
                continue;
            }
            switch (c) {
                case '\\' -> {
                    i++;
                    lastAtom = 1;
                    top[0] += 1;
                }
                case '[' -> {
                    inClass = true;
                    if (i + 1 < n && re.charAt(i + 1) == '^') i++;
                    if (i + 1 < n && re.charAt(i + 1) == ']') i++;
                }
                case '(' -> {
                    stack.push(top);
                    top = new long[] {0};
                }
                case ')' -> {
                    long group = Math.max(1, top[0]);
                    top = stack.isEmpty() ? new long[] {0} : stack.pop();
                    top[0] += group;
                    lastAtom = group;
                }
                case '{' -> {
                    int close = re.indexOf('}', i);
                    if (close > 0 && re.substring(i + 1, close).matches("\\d+(,\\d*)?")) {
                        String[] nm = re.substring(i + 1, close).split(",", -1);
                        long times = nm.length > 1 && !nm[1].isEmpty() ? Long.parseLong(nm[1]) : Long.parseLong(nm[0]);
                        times = Math.max(times, nm.length > 1 && nm[1].isEmpty() ? Long.parseLong(nm[0]) + 1 : times);
                        top[0] += lastAtom * Math.max(0, times - 1);
                        if (top[0] > MAX_EXPANDED_SIZE * 10) return top[0];
                        i = close;
                    } else {
                        lastAtom = 1;
                        top[0] += 1;
                    }
                }
                case '|', '*', '+', '?', '^', '$', '.' -> {
                    if (c == '.') {
                        lastAtom = 1;
                        top[0] += 1;
                    }
                }
                default -> {
                    lastAtom = 1;
                    top[0] += 1;
                }
            }
        }
        while (!stack.isEmpty()) {
            long g = top[0];
            top = stack.pop();
            top[0] += g;
        }
        return top[0];
    }
}
