package dev.vigil.server.normalize;

import java.time.Instant;
import java.util.Map;

/**
 * Turns one log record's text into fields. Implementations are thread-safe and allocation-light; the returned map is
 * fresh and owned by the caller (keys may contain dots: {@code log.syslog.severity.code}; values are String, Long,
 * Double, Boolean, null, List or nested Map as the input format has them).
 */
@FunctionalInterface
public interface LogParser {
    /**
     * @param receivedAt when Vigil received the record (resolves formats without a year or zone)
     * @throws ParseException with a reason when the text is not in this parser's format
     */
    Map<String, Object> parse(String text, Instant receivedAt) throws ParseException;
}
