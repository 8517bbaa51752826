package dev.vigil.server.normalize.internal;

/** Shortens user data quoted in rejection reasons (reasons are shown and stored; never echo a megabyte). */
final class SyslogClip {
    private SyslogClip() {}

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
