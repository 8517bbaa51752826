package dev.vigil.server.oncall;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum PageStatus {
    TRIGGERED,
    ACKNOWLEDGED,
    RESOLVED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PageStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
