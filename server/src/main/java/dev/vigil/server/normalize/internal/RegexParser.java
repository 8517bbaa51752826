package dev.vigil.server.normalize.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.server.normalize.LogParser;
import dev.vigil.server.normalize.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user-supplied RE2 pattern with named groups ({@code (?P<user>\S+)} or {@code (?<user>\S+)}); each group that
 * participates in the match becomes a field. RE2J runs in time linear in the input, so a hostile pattern cannot stall
 * intake (ReDoS). A line the pattern does not match is refused with that reason.
 */
public final class RegexParser implements LogParser {
    private final Pattern pattern;
    private final String[] names;
    private final int[] groups;

    public RegexParser(String regex) {
        if (regex == null || regex.isEmpty()) {
            throw new IllegalArgumentException("regex parser: option 'pattern' is required");
        }
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regex parser: invalid RE2 pattern: " + e.getMessage(), e);
        }
        Map<String, Integer> named = pattern.namedGroups();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("regex parser: the pattern has no named group (?P<name>...)");
        }
        names = named.keySet().toArray(String[]::new);
        groups = new int[names.length];
        for (int k = 0; k < names.length; k++) {
            groups[k] = named.get(names[k]);
        }
    }

    @Override
    public Map<String, Object> parse(String text, Instant receivedAt) throws ParseException {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new ParseException("line does not match the source's regex pattern");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            String v = m.group(groups[k]);
            if (v != null) {
                f.put(names[k], v);
            }
        }
        return f;
    }
}
