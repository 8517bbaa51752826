package dev.vigil.engine.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive-descent parser for Sigma conditions (Sigma specification v2, "Condition"). Grammar, loosest first:
 *
 * <pre>
 * expr   := and ('or' and)*
 * and    := not ('and' not)*
 * not    := 'not' not | of
 * of     := (INT | 'all') 'of' (PATTERN | 'them') | atom
 * atom   := '(' expr ')' | IDENTIFIER
 * </pre>
 *
 * Keywords are case-insensitive. The Sigma 1 aggregation syntax ({@code selection | count() > 5}) is refused with a
 * pointer to correlation rules. Identifier existence is checked by the caller, which knows the identifiers.
 */
public final class ConditionParser {
    private final String text;
    private final String path;
    private final List<String> tokens = new ArrayList<>();
    private int pos;
    private int depth;

    /** Deepest nesting of parentheses and 'not' accepted (a guard against hostile rules). */
    static final int MAX_DEPTH = 64;

    /**
     * Most tokens in one condition (SigmaHQ's longest has a few dozen): bounds the work of resolving {@code x of}
     * patterns against the identifiers.
     */
    static final int MAX_TOKENS = 10_000;

    private ConditionParser(String text, String path) {
        this.text = text;
        this.path = path;
    }

    /** Parses one condition string; {@code path} is its YAML path for error messages. */
    public static Condition parse(String text, String path) throws RuleException {
        ConditionParser p = new ConditionParser(text, path);
        p.tokenize();
        if (p.tokens.isEmpty()) throw new RuleException(path, "empty condition");
        if (p.tokens.size() > MAX_TOKENS) {
            throw new RuleException(path, "condition has more than " + MAX_TOKENS + " words and parentheses");
        }
        Condition c = p.or();
        if (p.pos < p.tokens.size()) {
            throw new RuleException(
                    path,
                    "unexpected '" + Modifiers.abbreviate(p.tokens.get(p.pos)) + "' in condition '"
                            + Modifiers.abbreviate(text) + "'");
        }
        return c;
    }

    private void tokenize() throws RuleException {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '|') {
                throw new RuleException(
                        path,
                        "aggregation expression '" + text.substring(i).trim() + "' is the deprecated Sigma 1 syntax;"
                                + " express it as a Sigma correlation rule");
            } else {
                int start = i;
                while (i < n) {
                    char d = text.charAt(i);
                    if (Character.isWhitespace(d) || d == '(' || d == ')' || d == '|') break;
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean peekKeyword(String kw) {
        String t = peek();
        return t != null && t.equalsIgnoreCase(kw);
    }

    private Condition or() throws RuleException {
        List<Condition> ops = new ArrayList<>();
        ops.add(and());
        while (peekKeyword("or")) {
            pos++;
            ops.add(and());
        }
        return ops.size() == 1 ? ops.get(0) : new Condition.Or(ops);
    }

    private Condition and() throws RuleException {
        List<Condition> ops = new ArrayList<>();
        ops.add(not());
        while (peekKeyword("and")) {
            pos++;
            ops.add(not());
        }
        return ops.size() == 1 ? ops.get(0) : new Condition.And(ops);
    }

    private Condition not() throws RuleException {
        if (peekKeyword("not")) {
            pos++;
            enter();
            Condition inner = not();
            depth--;
            return new Condition.Not(inner);
        }
        return of();
    }

    private void enter() throws RuleException {
        if (++depth > MAX_DEPTH) {
            throw new RuleException(path, "condition nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Condition of() throws RuleException {
        String t = peek();
        if (t != null && pos + 1 < tokens.size() && tokens.get(pos + 1).equalsIgnoreCase("of")) {
            int count;
            if (t.equalsIgnoreCase("all")) {
                count = Condition.Of.ALL;
            } else if (t.chars().allMatch(Character::isDigit) && t.length() <= 6) {
                count = Integer.parseInt(t);
                if (count < 1) throw new RuleException(path, "'" + t + " of' must count at least 1");
            } else {
                throw new RuleException(path, "'" + t + " of' needs a number or 'all' before 'of'");
            }
            pos += 2;
            String target = peek();
            if (target == null || target.equals("(") || target.equals(")") || isKeyword(target)) {
                throw new RuleException(path, "'" + t + " of' needs a search identifier pattern or 'them'");
            }
            pos++;
            return new Condition.Of(count, target.equalsIgnoreCase("them") ? "them" : target);
        }
        return atom();
    }

    private Condition atom() throws RuleException {
        String t = peek();
        if (t == null)
            throw new RuleException(path, "condition '" + Modifiers.abbreviate(text) + "' ends unexpectedly");
        if (t.equals("(")) {
            pos++;
            enter();
            Condition inner = or();
            depth--;
            if (!")".equals(peek()))
                throw new RuleException(path, "missing ')' in condition '" + Modifiers.abbreviate(text) + "'");
            pos++;
            return inner;
        }
        if (t.equals(")") || isKeyword(t)) {
            throw new RuleException(
                    path,
                    "unexpected '" + Modifiers.abbreviate(t) + "' in condition '" + Modifiers.abbreviate(text) + "'");
        }
        if (t.contains("*")) {
            throw new RuleException(path, "wildcard identifier '" + t + "' is only allowed after '1 of' or 'all of'");
        }
        pos++;
        return new Condition.Ref(t);
    }

    private static boolean isKeyword(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "and", "or", "not", "of" -> true;
            default -> false;
        };
    }
}
