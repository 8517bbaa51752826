package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IBM QRadar Log Event Extended Format. {@code LEEF:1.0|Vendor|Product|Version|EventID|k=v<TAB>k=v} and
 * {@code LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|k=v<D>k=v}, where the 2.0 delimiter is one character or
 * its hex code ({@code x09}, {@code 0x5E}) and may be omitted (tab). Anything before {@code LEEF:} (a syslog header)
 * is ignored. Header fields become {@code leef.*}, attributes {@code leef.attributes.KEY}.
 */
public final class LeefParser implements LogParser {
    private static final java.util.regex.Pattern HEX_DELIMITER =
            java.util.regex.Pattern.compile("0?[xX][0-9a-fA-F]{2}");
    private static final String[] HEADER = {"leef.vendor", "leef.product", "leef.product_version", "leef.event_id"};

    @Override
    public Map<String, Object> parse(String text, Instant receivedAt) throws ParseException {
        int start = text.startsWith("LEEF:") ? 0 : text.indexOf("LEEF:");
        if (start < 0) {
            throw new ParseException("not LEEF: no 'LEEF:' header");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        int bar = text.indexOf('|', start);
        if (bar < 0) {
            throw new ParseException("LEEF header has no '|' after the version");
        }
        String version = text.substring(start + 5, bar);
        if (!version.equals("1.0") && !version.equals("2.0") && !version.equals("1") && !version.equals("2")) {
            throw new ParseException("unsupported LEEF version '" + SyslogClip.clip(version) + "' (1.0 or 2.0)");
        }
        f.put("leef.version", version);
        int i = bar + 1;
        for (String name : HEADER) {
            int next = text.indexOf('|', i);
            if (next < 0) {
                throw new ParseException(
                        "LEEF header is missing field " + name.substring(5) + " (Vendor|Product|Version|EventID|)");
            }
            f.put(name, text.substring(i, next));
            i = next + 1;
        }
        char delimiter = '\t';
        if (version.startsWith("2")) {
            int next = text.indexOf('|', i);
            if (next >= 0 && next - i <= 4) {
                String d = text.substring(i, next);
                if (d.length() == 1) {
                    delimiter = d.charAt(0);
                    i = next + 1;
                } else if (HEX_DELIMITER.matcher(d).matches()) {
                    delimiter = (char) Integer.parseInt(d.substring(d.length() == 4 ? 2 : 1), 16);
                    i = next + 1;
                } else if (d.isEmpty()) {
                    i = next + 1;
                }
            }
        }
        int n = text.length();
        while (i < n) {
            int end = text.indexOf(delimiter, i);
            if (end < 0) {
                end = n;
            }
            int eq = text.indexOf('=', i);
            if (eq > i && eq < end) {
                f.put("leef.attributes." + text.substring(i, eq).trim(), text.substring(eq + 1, end));
            } else if (end > i && !text.substring(i, end).isBlank()) {
                throw new ParseException("LEEF attribute without '=' at offset " + i);
            }
            i = end + 1;
        }
        return f;
    }
}
