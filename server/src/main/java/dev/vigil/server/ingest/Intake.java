package dev.vigil.server.ingest;

import java.util.Locale;

/** How a log source's records arrive. */
public enum Intake {
    SYSLOG,
    HTTP,
    BULK,
    OTLP,
    FILE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Intake of(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown intake '" + s + "' (one of syslog, http, bulk, otlp, file)");
        }
    }

    /** The name of the built-in source that takes this intake's records no configured source claims. */
    public String defaultSourceName() {
        return "default-" + id();
    }
}
