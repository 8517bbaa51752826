package dev.vigil.server.security;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.vigil.server.platform.access.Permission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kind of an API token. {@link #INGEST} only sends logs (optionally to one log source) and reads health;
 * {@link #METRICS} only reads health and the Prometheus endpoint; {@link #API} tokens carry roles and act for a user
 * (a personal token, never more than the user may do) or for an integration. The former {@code admin} scope is an
 * {@code api} token with the role {@code admin}.
 */
public enum ApiScope {
    INGEST,
    METRICS,
    API;

    /** The lower-case name used in the API and the database. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a token of this scope may do without roles (api tokens: nothing; their roles decide). */
    public Set<Permission> permissions() {
        return switch (this) {
            case INGEST -> EnumSet.of(Permission.INGEST, Permission.HEALTH_READ);
            case METRICS -> EnumSet.of(Permission.METRICS_READ, Permission.HEALTH_READ);
            case API -> EnumSet.noneOf(Permission.class);
        };
    }

    public static ApiScope parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown scope '" + value + "' (expected ingest, metrics or api)");
        }
    }
}
