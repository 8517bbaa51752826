package dev.vigil.engine.event;

/**
 * A record that is not a usable event: malformed JSON, invalid UTF-8, nesting or size beyond the limits, or not a
 * JSON object. Carries the 1-based line (and column when known) where the record starts or the error is, so a
 * caller can count, report and skip it.
 */
public final class EventParseException extends RuntimeException {
    private final long line;
    private final long column;
    private final String reason;

    public EventParseException(String reason, long line, long column, Throwable cause) {
        super(format(reason, line, column), cause, false, false);
        this.reason = reason;
        this.line = line;
        this.column = column;
    }

    public EventParseException(String reason) {
        this(reason, -1, -1, null);
    }

    private static String format(String reason, long line, long column) {
        if (line <= 0) return reason;
        return "line " + line + (column > 0 ? ", column " + column : "") + ": " + reason;
    }

    /** 1-based line, or -1 when unknown. */
    public long line() {
        return line;
    }

    /** 1-based column, or -1 when unknown. */
    public long column() {
        return column;
    }

    /** The reason without the location. */
    public String reason() {
        return reason;
    }
}
