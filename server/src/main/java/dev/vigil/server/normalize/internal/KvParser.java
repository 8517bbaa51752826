package dev.vigil.server.normalize.internal;

import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generic key/value pairs with configurable separators, for devices that are not quite logfmt
 * ({@code src:10.0.0.1, dst:10.0.0.2, action:"deny all"}). Options: {@code pair-separator} (default: whitespace;
 * any of the given characters separates pairs), {@code value-separator} (default {@code =}), {@code quotes}
 * (default {@code "'}). Text between pairs that holds no separator is ignored; a line with no pair is refused.
 */
public final class KvParser implements LogParser {
    private final String pairSeparators;
    private final char valueSeparator;
    private final String quotes;

    public KvParser(String pairSeparators, String valueSeparator, String quotes) {
        if (valueSeparator == null || valueSeparator.length() != 1) {
            throw new IllegalArgumentException("kv parser: value-separator must be one character");
        }
        this.pairSeparators = pairSeparators == null || pairSeparators.isEmpty() ? null : pairSeparators;
        this.valueSeparator = valueSeparator.charAt(0);
        this.quotes = quotes == null ? "" : quotes;
    }

    private boolean isPairSeparator(char c) {
        return pairSeparators == null ? Character.isWhitespace(c) : pairSeparators.indexOf(c) >= 0;
    }

    @Override
    public Map<String, Object> parse(String s, Instant receivedAt) throws ParseException {
        Map<String, Object> f = new LinkedHashMap<>();
        int n = s.length();
        int i = 0;
        StringBuilder v = new StringBuilder();
        while (i < n) {
            while (i < n && (isPairSeparator(s.charAt(i)) || s.charAt(i) == ' ')) {
                i++;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) != valueSeparator && !isPairSeparator(s.charAt(i))) {
                i++;
            }
            if (i >= n || s.charAt(i) != valueSeparator) {
                continue; // a word without a separator: not a pair
            }
            String key = s.substring(keyStart, i).trim();
            i++;
            v.setLength(0);
            if (i < n && quotes.indexOf(s.charAt(i)) >= 0) {
                char q = s.charAt(i++);
                boolean closed = false;
                while (i < n) {
                    char x = s.charAt(i++);
                    if (x == '\\' && i < n) {
                        v.append(s.charAt(i++));
                    } else if (x == q) {
                        closed = true;
                        break;
                    } else {
                        v.append(x);
                    }
                }
                if (!closed) {
                    throw new ParseException("kv: unterminated quoted value for key '" + SyslogClip.clip(key) + "'");
                }
            } else {
                while (i < n && !isPairSeparator(s.charAt(i))) {
                    v.append(s.charAt(i++));
                }
            }
            if (!key.isEmpty()) {
                f.put(key, pairSeparators == null ? v.toString() : v.toString().trim());
            }
        }
        if (f.isEmpty()) {
            throw new ParseException("kv: no key" + valueSeparator + "value pairs");
        }
        return f;
    }
}
