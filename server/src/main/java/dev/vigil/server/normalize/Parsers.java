package dev.vigil.server.normalize;

import dev.vigil.server.normalize.internal.CefParser;
import dev.vigil.server.normalize.internal.JsonObjectParser;
import dev.vigil.server.normalize.internal.KvParser;
import dev.vigil.server.normalize.internal.LeefParser;
import dev.vigil.server.normalize.internal.LogfmtParser;
import dev.vigil.server.normalize.internal.RegexParser;
import dev.vigil.server.normalize.internal.SyslogFieldsParser;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Builds the parser a {@link ParserSpec} names. Invalid options (a regex that does not compile, a pattern without a
 * named group, an unknown time zone) fail here with {@link IllegalArgumentException} — when the source is saved, not
 * when the first line arrives.
 *
 * <p>Text parsers other than {@code json} keep the whole record as {@code message} when they did not produce one
 * themselves, so keyword rules still see it.
 */
public final class Parsers {
    private Parsers() {}

    public static LogParser create(ParserSpec spec) {
        return switch (spec.kind()) {
            case JSON -> new JsonObjectParser();
            case SYSLOG -> new SyslogFieldsParser(new SyslogParser(zone(spec)));
            case CEF -> keepMessage(new CefParser());
            case LEEF -> keepMessage(new LeefParser());
            case LOGFMT -> keepMessage(new LogfmtParser());
            case KV ->
                keepMessage(new KvParser(
                        spec.option("pair-separator", ""),
                        spec.option("value-separator", "="),
                        spec.option("quotes", "\"'")));
            case REGEX -> keepMessage(new RegexParser(spec.option("pattern", "")));
        };
    }

    /** The time zone for formats without one (RFC 3164): option {@code timezone}, default UTC. */
    public static ZoneId zone(ParserSpec spec) {
        String z = spec.option("timezone", "");
        if (z.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(z);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + z + "'");
        }
    }

    private static LogParser keepMessage(LogParser p) {
        return (text, receivedAt) -> {
            var fields = p.parse(text, receivedAt);
            fields.putIfAbsent("message", text);
            return fields;
        };
    }
}
