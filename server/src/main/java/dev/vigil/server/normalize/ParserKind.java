package dev.vigil.server.normalize;

import java.util.Locale;

/** The parsers a log source can be configured with. */
public enum ParserKind {
    /** One JSON object per record (NDJSON, {@code _bulk} documents). */
    JSON,
    /** RFC 5424 or RFC 3164 syslog, detected per message. */
    SYSLOG,
    /** ArcSight Common Event Format ({@code CEF:0|...}), with or without a syslog header in front. */
    CEF,
    /** IBM QRadar Log Event Extended Format 1.0/2.0. */
    LEEF,
    /** {@code key=value key2="quoted value"} as written by Go, Heroku, Grafana tools. */
    LOGFMT,
    /** Generic key/value pairs with configurable separators ({@code pair-separator}, {@code value-separator}). */
    KV,
    /** An RE2 regular expression with named groups; each group becomes a field. */
    REGEX;

    /** Parses the lower-case name used in configuration and the API. */
    public static ParserKind of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown parser '" + name + "' (one of json, syslog, cef, leef, logfmt, kv, regex)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
