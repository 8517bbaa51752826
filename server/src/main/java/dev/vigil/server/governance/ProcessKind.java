package dev.vigil.server.governance;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a process is for: SAMM IM stream A (detection), stream B (response), or anything else the team runs. */
public enum ProcessKind {
    DETECTION,
    RESPONSE,
    OTHER;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProcessKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown process kind '" + value + "' (expected detection, response or other)");
        }
    }
}
