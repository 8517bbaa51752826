package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The NIST SP 800-61 incident response phases an incident moves through, in order. */
public enum Phase {
    DETECTION_ANALYSIS("detection-analysis"),
    CONTAINMENT("containment"),
    ERADICATION("eradication"),
    RECOVERY("recovery"),
    POST_INCIDENT("post-incident");

    private final String id;

    Phase(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Phase parse(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Phase x : values()) {
                if (x.id.equals(v)) {
                    return x;
                }
            }
        }
        throw new IllegalArgumentException("unknown phase '" + value
                + "' (expected detection-analysis, containment, eradication, recovery, post-incident)");
    }
}
