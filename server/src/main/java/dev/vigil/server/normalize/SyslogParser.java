package dev.vigil.server.normalize;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one syslog message, RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG}) or RFC 3164 ({@code
 * <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}), chosen per message by the version digit after the PRI.
 *
 * <p>RFC 5424 is parsed strictly (it is a grammar; a broken one is refused with the position and what was expected).
 * RFC 3164 is a description of what devices did in 2001, so its parser follows what real senders emit: the classic
 * timestamp (with optional fraction), an RFC 3339 timestamp (rsyslog's forward format), no timestamp, a missing
 * hostname (the first token ending in {@code :} or holding {@code [} is the tag). Its timestamp has no year and no
 * zone: the year is the one that puts the time nearest to the receive time, the zone is the source's ({@code timezone}
 * option, default UTC). Only the PRI is mandatory for both: a frame without {@code <PRI>} is refused, not guessed.
 *
 * <p>Input is already-decoded text (the intake refuses invalid UTF-8 before this point); a leading BOM in the
 * RFC 5424 MSG is removed. Thread-safe.
 */
public final class SyslogParser {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    private static final int MAX_SD_NAME = 32;

    private final ZoneId zone;

    public SyslogParser(ZoneId zone) {
        this.zone = zone;
    }

    public SyslogParser() {
        this(ZoneOffset.UTC);
    }

    /**
     * Parses {@code text}; {@code receivedAt} resolves RFC 3164's missing year.
     *
     * @throws ParseException with the reason when {@code text} is not a syslog message
     */
    public SyslogMessage parse(String text, Instant receivedAt) throws ParseException {
        int len = text.length();
        if (len == 0) {
            throw new ParseException("empty syslog message");
        }
        if (text.charAt(0) != '<') {
            throw new ParseException("missing <PRI> at the start of the syslog message");
        }
        int pri = 0;
        int i = 1;
        while (i < len && i <= 3 && isDigit(text.charAt(i))) {
            pri = pri * 10 + (text.charAt(i) - '0');
            i++;
        }
        if (i == 1 || i >= len || text.charAt(i) != '>' || (i > 2 && text.charAt(1) == '0')) {
            throw new ParseException("malformed <PRI>: expected '<' 1-3 digits '>'");
        }
        if (pri > 191) {
            throw new ParseException("invalid PRI " + pri + " (maximum 191)");
        }
        i++;
        int facility = pri >> 3;
        int severity = pri & 7;
        // RFC 5424: VERSION is a non-zero digit (1 today) followed by SP. An RFC 3164 timestamp never starts that way.
        if (i + 1 < len && text.charAt(i) >= '1' && text.charAt(i) <= '9' && text.charAt(i + 1) == ' ') {
            return parse5424(text, i, facility, severity);
        }
        return parse3164(text, i, facility, severity, receivedAt);
    }

    // ---------------------------------------------------------------------------------------------- RFC 5424

    private SyslogMessage parse5424(String s, int start, int facility, int severity) throws ParseException {
        if (s.charAt(start) != '1') {
            throw new ParseException("unsupported syslog VERSION " + s.charAt(start) + " (RFC 5424 defines 1)");
        }
        Cursor c = new Cursor(s, start + 2);
        String ts = c.headerField("TIMESTAMP", 64);
        Instant timestamp = null;
        if (ts != null) {
            try {
                timestamp = OffsetDateTime.parse(ts, RFC3339).toInstant();
            } catch (DateTimeException e) {
                throw new ParseException("RFC 5424 TIMESTAMP '" + clip(ts) + "' is not RFC 3339");
            }
        }
        String host = c.headerField("HOSTNAME", 255);
        String app = c.headerField("APP-NAME", 48);
        String proc = c.headerField("PROCID", 128);
        String msgId = c.headerField("MSGID", 32);
        Map<String, Map<String, String>> sd = parseStructuredData(c);
        String msg;
        if (c.pos >= s.length()) {
            msg = "";
        } else {
            if (s.charAt(c.pos) != ' ') {
                throw new ParseException("RFC 5424: expected SP after STRUCTURED-DATA at offset " + c.pos);
            }
            msg = s.substring(c.pos + 1);
            if (!msg.isEmpty() && msg.charAt(0) == '\uFEFF') {
                msg = msg.substring(1);
            }
        }
        return new SyslogMessage(
                SyslogMessage.Format.RFC5424, facility, severity, timestamp, host, app, proc, msgId, sd, msg);
    }

    private static Map<String, Map<String, String>> parseStructuredData(Cursor c) throws ParseException {
        String s = c.s;
        if (c.pos >= s.length()) {
            throw new ParseException("RFC 5424: STRUCTURED-DATA missing (use '-' for none)");
        }
        if (s.charAt(c.pos) == '-') {
            c.pos++;
            return Map.of();
        }
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        while (c.pos < s.length() && s.charAt(c.pos) == '[') {
            c.pos++;
            String id = c.sdName("SD-ID");
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                if (c.pos >= s.length()) {
                    throw new ParseException("RFC 5424: unterminated SD-ELEMENT [" + clip(id));
                }
                char ch = s.charAt(c.pos);
                if (ch == ']') {
                    c.pos++;
                    break;
                }
                if (ch != ' ') {
                    throw new ParseException("RFC 5424: expected SP or ']' in SD-ELEMENT at offset " + c.pos);
                }
                c.pos++;
                String name = c.sdName("PARAM-NAME");
                if (c.pos + 1 >= s.length() || s.charAt(c.pos) != '=' || s.charAt(c.pos + 1) != '"') {
                    throw new ParseException("RFC 5424: expected '=\"' after PARAM-NAME at offset " + c.pos);
                }
                c.pos += 2;
                StringBuilder v = new StringBuilder();
                boolean closed = false;
                while (c.pos < s.length()) {
                    char x = s.charAt(c.pos++);
                    if (x == '\\' && c.pos < s.length()) {
                        char n = s.charAt(c.pos);
                        if (n == '"' || n == '\\' || n == ']') {
                            v.append(n);
                            c.pos++;
                        } else {
                            v.append('\\');
                        }
                    } else if (x == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(x);
                    }
                }
                if (!closed) {
                    throw new ParseException("RFC 5424: unterminated PARAM-VALUE for " + clip(name));
                }
                params.put(name, v.toString());
            }
            result.putIfAbsent(id, params);
        }
        if (result.isEmpty()) {
            throw new ParseException("RFC 5424: expected '-' or '[' for STRUCTURED-DATA at offset " + c.pos);
        }
        return result;
    }

    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        /** A header field up to the next SP (consumed); NILVALUE gives null. */
        String headerField(String name, int max) throws ParseException {
            int end = s.indexOf(' ', pos);
            if (end < 0) {
                throw new ParseException("RFC 5424: message ends inside the header before " + name);
            }
            if (end == pos) {
                throw new ParseException("RFC 5424: empty " + name + " at offset " + pos + " (use '-' for none)");
            }
            if (end - pos > max) {
                throw new ParseException("RFC 5424: " + name + " longer than " + max + " characters");
            }
            String v = s.substring(pos, end);
            pos = end + 1;
            return v.equals("-") ? null : v;
        }

        String sdName(String what) throws ParseException {
            int start = pos;
            while (pos < s.length()) {
                char ch = s.charAt(pos);
                if (ch == '=' || ch == ' ' || ch == ']' || ch == '"' || ch <= 32 || ch >= 127) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw new ParseException("RFC 5424: empty or invalid " + what + " at offset " + start);
            }
            if (pos - start > MAX_SD_NAME) {
                throw new ParseException("RFC 5424: " + what + " longer than " + MAX_SD_NAME + " characters");
            }
            return s.substring(start, pos);
        }
    }

    // ---------------------------------------------------------------------------------------------- RFC 3164

    private SyslogMessage parse3164(String s, int i, int facility, int severity, Instant receivedAt) {
        int len = s.length();
        Instant timestamp = null;
        int month = i + 3 <= len ? monthIndex(s, i) : -1;
        if (month >= 0 && i + 15 <= len && looks3164Time(s, i)) {
            int day = (s.charAt(i + 4) == ' ' ? 0 : s.charAt(i + 4) - '0') * 10 + (s.charAt(i + 5) - '0');
            int hh = num2(s, i + 7), mm = num2(s, i + 10), ss = num2(s, i + 13);
            int j = i + 15;
            int nanos = 0;
            if (j < len && s.charAt(j) == '.') {
                int k = j + 1;
                int digits = 0;
                while (k < len && isDigit(s.charAt(k)) && digits < 9) {
                    nanos = nanos * 10 + (s.charAt(k) - '0');
                    k++;
                    digits++;
                }
                for (int d = digits; d < 9; d++) {
                    nanos *= 10;
                }
                j = k;
            }
            timestamp = resolveYear(month + 1, day, hh, mm, ss, nanos, receivedAt);
            if (timestamp != null) {
                i = j;
                while (i < len && s.charAt(i) == ' ') {
                    i++;
                }
            }
        } else if (i + 19 <= len && isDigit(s.charAt(i)) && s.charAt(i + 4) == '-' && s.charAt(i + 10) == 'T') {
            int end = s.indexOf(' ', i);
            String ts = end < 0 ? s.substring(i) : s.substring(i, end);
            try {
                timestamp = OffsetDateTime.parse(ts, RFC3339).toInstant();
                i = end < 0 ? len : end + 1;
            } catch (DateTimeException e) {
                timestamp = null; // not a timestamp after all: leave it in the message
            }
        }
        // HOSTNAME (optional in practice) then TAG.
        String host = null;
        String tag = null;
        String pid = null;
        int tokenEnd = indexOfSpace(s, i);
        String first = s.substring(i, tokenEnd);
        if (!first.isEmpty() && !isTag(first) && timestamp != null) {
            host = first;
            i = tokenEnd < len ? tokenEnd + 1 : len;
        }
        // TAG: up to '[' or ':' within the next token.
        int t = i;
        int limit = Math.min(len, i + 128);
        while (t < limit) {
            char ch = s.charAt(t);
            if (ch == ':' || ch == '[' || ch == ' ') {
                break;
            }
            t++;
        }
        if (t < len && t > i && (s.charAt(t) == ':' || s.charAt(t) == '[')) {
            tag = s.substring(i, t);
            int j = t;
            if (s.charAt(j) == '[') {
                int close = s.indexOf(']', j);
                if (close > 0 && close - j <= 129) {
                    pid = s.substring(j + 1, close);
                    j = close + 1;
                } else {
                    tag = null;
                }
            }
            if (tag != null) {
                if (j < len && s.charAt(j) == ':') {
                    j++;
                    i = j < len && s.charAt(j) == ' ' ? j + 1 : j;
                } else if (pid != null) {
                    i = j < len && s.charAt(j) == ' ' ? j + 1 : j;
                } else {
                    tag = null;
                }
            }
        }
        if (tag == null
                && host != null
                && t < len
                && t > i
                && s.charAt(t) == ' '
                && t - i <= 48
                && isTagText(s, i, t)) {
            // A tag without ':' (rsyslog's traditional forward format of RFC 5424 input: "host app msg"). Ambiguous
            // with a message's first word, so the word is reported as the app name but kept in the message.
            tag = s.substring(i, t);
        }
        String msg = s.substring(i);
        return new SyslogMessage(
                SyslogMessage.Format.RFC3164,
                facility,
                severity,
                timestamp,
                host,
                tag,
                pid == null || pid.isEmpty() ? null : pid,
                null,
                Map.of(),
                msg);
    }

    private Instant resolveYear(int month, int day, int hh, int mm, int ss, int nanos, Instant receivedAt) {
        try {
            ZonedDateTime ref = receivedAt.atZone(zone);
            LocalDateTime best = null;
            long bestDistance = Long.MAX_VALUE;
            for (int year = ref.getYear() - 1; year <= ref.getYear() + 1; year++) {
                LocalDateTime candidate;
                try {
                    candidate = LocalDateTime.of(year, month, day, hh, mm, ss, nanos);
                } catch (DateTimeException e) {
                    continue; // Feb 29 in a non-leap year
                }
                long distance = Math.abs(candidate.atZone(zone).toEpochSecond() - ref.toEpochSecond());
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = candidate;
                }
            }
            return best == null ? null : best.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static boolean isTagText(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTag(String token) {
        return token.endsWith(":") || token.indexOf('[') >= 0;
    }

    private static int indexOfSpace(String s, int from) {
        int i = s.indexOf(' ', from);
        return i < 0 ? s.length() : i;
    }

    private static int monthIndex(String s, int i) {
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(i, MONTHS, m * 3, 3)) {
                return m;
            }
        }
        return -1;
    }

    private static boolean looks3164Time(String s, int i) {
        // "Mmm dd hh:mm:ss" with dd possibly " d"
        return s.charAt(i + 3) == ' '
                && (s.charAt(i + 4) == ' ' || isDigit(s.charAt(i + 4)))
                && isDigit(s.charAt(i + 5))
                && s.charAt(i + 6) == ' '
                && isDigit(s.charAt(i + 7))
                && isDigit(s.charAt(i + 8))
                && s.charAt(i + 9) == ':'
                && isDigit(s.charAt(i + 10))
                && isDigit(s.charAt(i + 11))
                && s.charAt(i + 12) == ':'
                && isDigit(s.charAt(i + 13))
                && isDigit(s.charAt(i + 14));
    }

    private static int num2(String s, int i) {
        return (s.charAt(i) - '0') * 10 + (s.charAt(i + 1) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
