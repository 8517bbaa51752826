package dev.vigil.engine.rule;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses Sigma string values: {@code *} and {@code ?} are wildcards; a backslash escapes {@code *}, {@code ?} and
 * itself and is literal before anything else (Sigma specification v2, "Escaping"):
 *
 * <ul>
 *   <li>{@code \} not followed by a wildcard or backslash is a plain backslash ({@code C:\Windows});
 *   <li>{@code \*}, {@code \?} are a plain {@code *}, {@code ?};
 *   <li>{@code \\} is one backslash, so {@code \\*} is a backslash followed by a wildcard;
 *   <li>{@code \\\*} is a backslash and a plain {@code *}; three or four backslashes are two.
 * </ul>
 *
 * With placeholders enabled ({@code expand}), {@code %name%} is a placeholder and {@code \%} a plain percent sign.
 */
public final class SigmaStrings {
    private SigmaStrings() {}

    public static SigmaValue.Str parse(String raw, boolean placeholders) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                char next = i + 1 < n ? raw.charAt(i + 1) : 0;
                if (next == '*' || next == '?' || next == '\\' || (placeholders && next == '%')) {
                    lit.append(next);
                    i++;
                } else {
                    lit.append('\\');
                }
            } else if (c == '*' || c == '?') {
                flush(parts, lit);
                parts.add(c == '*' ? SigmaValue.Wildcard.MULTI : SigmaValue.Wildcard.SINGLE);
            } else if (c == '%' && placeholders) {
                int end = raw.indexOf('%', i + 1);
                String name = end > i + 1 ? raw.substring(i + 1, end) : null;
                if (name != null && isPlaceholderName(name)) {
                    flush(parts, lit);
                    parts.add(new SigmaValue.Placeholder(name));
                    i = end;
                } else {
                    lit.append(c);
                }
            } else {
                lit.append(c);
            }
        }
        flush(parts, lit);
        return new SigmaValue.Str(parts, false, false);
    }

    /** A string made of literal text only (no wildcard interpretation). */
    public static SigmaValue.Str literal(String text) {
        List<Object> parts = new ArrayList<>(1);
        if (!text.isEmpty()) parts.add(text);
        return new SigmaValue.Str(parts, false, false);
    }

    private static boolean isPlaceholderName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || c == '*' || c == '?' || c == '\\') return false;
        }
        return true;
    }

    private static void flush(List<Object> parts, StringBuilder lit) {
        if (!lit.isEmpty()) {
            parts.add(lit.toString());
            lit.setLength(0);
        }
    }

    /** Concatenates parts, merging adjacent literals. */
    static List<Object> normalize(List<Object> parts) {
        List<Object> out = new ArrayList<>(parts.size());
        StringBuilder lit = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                lit.append(s);
            } else {
                flush(out, lit);
                out.add(p);
            }
        }
        flush(out, lit);
        return out;
    }
}
