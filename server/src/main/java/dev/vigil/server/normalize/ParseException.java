package dev.vigil.server.normalize;

/**
 * A record that a parser refuses, with a reason a person can act on ("missing PRI", "invalid UTF-8 at byte 17").
 * Thrown for bad input, which is expected and counted, so it carries no stack trace (cheap under a flood of garbage).
 */
public final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public ParseException(String reason) {
        super(reason, null, false, false);
    }

    /** The reason, for counters, API answers and the rejection log. */
    public String reason() {
        return getMessage();
    }
}
