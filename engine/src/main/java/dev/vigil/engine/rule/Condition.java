package dev.vigil.engine.rule;

import java.util.List;

/**
 * A parsed Sigma condition. Precedence (loosest first): {@code or}, {@code and}, {@code not}, {@code x of},
 * parentheses. {@code them} covers every search identifier not starting with {@code _}.
 */
public sealed interface Condition {

    record And(List<Condition> operands) implements Condition {}

    record Or(List<Condition> operands) implements Condition {}

    record Not(Condition operand) implements Condition {}

    /** A search identifier by name. */
    record Ref(String name) implements Condition {}

    /**
     * {@code count of pattern}: at least {@code count} of the identifiers matching {@code pattern} ({@code *}
     * wildcards) are true; {@code count == ALL} means every one. {@code pattern} is {@code "them"} for all
     * identifiers not starting with an underscore.
     */
    record Of(int count, String pattern) implements Condition {
        public static final int ALL = -1;
    }
}
