package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import dev.vigil.server.normalize.SyslogParser;
import java.time.Instant;
import java.util.Map;

/** The {@code syslog} parser for text intakes (HTTP lines, files): one syslog message per record, as fields. */
public final class SyslogFieldsParser implements LogParser {
    private final SyslogParser syslog;

    public SyslogFieldsParser(SyslogParser syslog) {
        this.syslog = syslog;
    }

    @Override
    public Map<String, Object> parse(String text, Instant receivedAt) throws ParseException {
        return syslog.parse(text, receivedAt).toFields();
    }
}
