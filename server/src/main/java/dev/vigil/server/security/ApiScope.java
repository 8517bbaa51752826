package dev.vigil.server.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an API token may do. {@link #ADMIN} grants every scope; {@link #INGEST} only sends logs (optionally to one
 * log source); {@link #METRICS} only reads health and the Prometheus endpoint.
 */
public enum ApiScope {
    INGEST,
    METRICS,
    ADMIN;

    /** The Spring Security authority of this scope, e.g. {@code SCOPE_ingest}. */
    public String authority() {
        return "SCOPE_" + id();
    }

    /** The lower-case name used in the API and the database. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when a principal with this scope may do what {@code required} allows. */
    public boolean grants(ApiScope required) {
        return this == ADMIN || this == required;
    }

    public static ApiScope parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown scope '" + value + "' (expected ingest, metrics or admin)");
        }
    }
}
