package dev.vigil.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for offline commands: is stderr a terminal, and terminal-safe rendering of log-derived text. */
final class Terminal {
    private Terminal() {}

    /** True when standard error is an interactive terminal (progress bars only then). */
    static boolean stderrIsTerminal() {
        if (System.getenv("VIGIL_NO_PROGRESS") != null) return false;
        try {
            Path fd = Path.of("/proc/self/fd/2");
            if (Files.exists(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux: fall back to the console check
        }
        return System.console() != null;
    }

    /**
     * Log-derived text made safe for a terminal or a CSV cell: control characters (C0, DEL, C1, and the bidi
     * overrides) become {@code \xNN}/{@code \\uNNNN} escapes, so an event cannot move the cursor, recolour or
     * rewrite the analyst's screen.
     */
    static String safe(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20
                    || c == 0x7f
                    || (c >= 0x80 && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069);
            if (bad) {
                if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
                if (c < 0x100) b.append(String.format("\\x%02x", (int) c));
                else b.append(String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
