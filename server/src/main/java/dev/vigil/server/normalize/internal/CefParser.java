package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format: {@code CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class
 * ID|Name|Severity|Extension}. Anything before {@code CEF:} (a syslog header) is ignored. Field names follow
 * Filebeat's CEF decoder ({@code cef.device.vendor}, {@code cef.extensions.src}, ...), so Elastic-style mappings apply.
 *
 * <p>Header fields escape {@code |} and {@code \}; extension values escape {@code =}, {@code \}, and use {@code \n}
 * {@code \r} for line breaks. An extension value runs until the next {@code SP key=} (values may contain spaces);
 * linear in the input.
 */
public final class CefParser implements LogParser {
    private static final String[] HEADER = {
        "cef.version",
        "cef.device.vendor",
        "cef.device.product",
        "cef.device.version",
        "cef.device.event_class_id",
        "cef.name",
        "cef.severity"
    };

    @Override
    public Map<String, Object> parse(String text, Instant receivedAt) throws ParseException {
        int start = text.startsWith("CEF:") ? 0 : text.indexOf("CEF:");
        if (start < 0) {
            throw new ParseException("not CEF: no 'CEF:' header");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        int i = start + 4;
        int n = text.length();
        StringBuilder b = new StringBuilder();
        for (int field = 0; field < HEADER.length; field++) {
            b.setLength(0);
            boolean closed = false;
            while (i < n) {
                char c = text.charAt(i++);
                if (c == '\\' && i < n && (text.charAt(i) == '|' || text.charAt(i) == '\\')) {
                    b.append(text.charAt(i++));
                } else if (c == '|') {
                    closed = true;
                    break;
                } else {
                    b.append(c);
                }
            }
            if (!closed) {
                throw new ParseException("CEF header has " + (field + (b.isEmpty() ? 0 : 1))
                        + " of 7 '|'-separated fields (Version|Vendor|Product|Version|Event Class ID|Name|Severity)");
            }
            f.put(HEADER[field], b.toString());
        }
        String version = (String) f.get("cef.version");
        if (version.isEmpty() || !Character.isDigit(version.charAt(0))) {
            throw new ParseException("CEF version '" + version + "' is not a number");
        }
        parseExtension(text, i, f);
        return f;
    }

    static void parseExtension(String s, int i, Map<String, Object> out) throws ParseException {
        int n = s.length();
        while (i < n && s.charAt(i) == ' ') {
            i++;
        }
        StringBuilder v = new StringBuilder();
        while (i < n) {
            int keyStart = i;
            while (i < n && isKeyChar(s.charAt(i))) {
                i++;
            }
            if (i == keyStart || i >= n || s.charAt(i) != '=') {
                throw new ParseException("CEF extension: expected key=value at offset " + keyStart);
            }
            String key = s.substring(keyStart, i);
            i++;
            v.setLength(0);
            int valueEnd = n;
            int j = i;
            while (j < n) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < n) {
                    char e = s.charAt(j + 1);
                    switch (e) {
                        case 'n' -> v.append('\n');
                        case 'r' -> v.append('\r');
                        case '=', '\\' -> v.append(e);
                        default -> v.append(c).append(e);
                    }
                    j += 2;
                    continue;
                }
                if (c == ' ' && nextIsKey(s, j + 1)) {
                    valueEnd = j;
                    break;
                }
                v.append(c);
                j++;
            }
            out.put("cef.extensions." + key, stripTrailing(v));
            i = valueEnd;
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
        }
    }

    private static String stripTrailing(StringBuilder v) {
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\n' || v.charAt(end - 1) == '\r')) {
            end--;
        }
        return v.substring(0, end);
    }

    private static boolean nextIsKey(String s, int i) {
        int start = i;
        int n = s.length();
        while (i < n && isKeyChar(s.charAt(i))) {
            i++;
        }
        return i > start && i < n && s.charAt(i) == '=';
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-'
                || c == '['
                || c == ']';
    }
}
