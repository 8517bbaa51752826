package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * logfmt ({@code level=info msg="user logged in" user=alice admin}), as go-logfmt reads it: keys are runs of
 * characters other than space, {@code =} and {@code "}; values are bare or double-quoted with backslash escapes;
 * a key without {@code =} is a flag ({@code true}). A line with no pair at all is refused.
 */
public final class LogfmtParser implements LogParser {
    @Override
    public Map<String, Object> parse(String s, Instant receivedAt) throws ParseException {
        Map<String, Object> f = new LinkedHashMap<>();
        int n = s.length();
        int i = 0;
        StringBuilder v = new StringBuilder();
        while (i < n) {
            char c = s.charAt(i);
            if (c <= ' ') {
                i++;
                continue;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) > ' ' && s.charAt(i) != '=' && s.charAt(i) != '"') {
                i++;
            }
            if (i == keyStart) {
                throw new ParseException("logfmt: expected a key at offset " + i + ", found '" + s.charAt(i) + "'");
            }
            String key = s.substring(keyStart, i);
            if (i >= n || s.charAt(i) != '=') {
                if (i < n && s.charAt(i) == '"') {
                    throw new ParseException("logfmt: unexpected '\"' in key at offset " + i);
                }
                f.put(key, Boolean.TRUE);
                continue;
            }
            i++;
            if (i < n && s.charAt(i) == '"') {
                i++;
                v.setLength(0);
                boolean closed = false;
                while (i < n) {
                    char x = s.charAt(i++);
                    if (x == '\\' && i < n) {
                        char e = s.charAt(i++);
                        switch (e) {
                            case 'n' -> v.append('\n');
                            case 't' -> v.append('\t');
                            case 'r' -> v.append('\r');
                            default -> v.append(e);
                        }
                    } else if (x == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(x);
                    }
                }
                if (!closed) {
                    throw new ParseException(
                            "logfmt: unterminated quoted value for key '" + SyslogClip.clip(key) + "'");
                }
                f.put(key, v.toString());
            } else {
                int valueStart = i;
                while (i < n && s.charAt(i) > ' ') {
                    i++;
                }
                f.put(key, s.substring(valueStart, i));
            }
        }
        if (f.isEmpty()) {
            throw new ParseException("logfmt: no key=value pairs");
        }
        return f;
    }
}
