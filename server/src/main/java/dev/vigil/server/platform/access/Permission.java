package dev.vigil.server.platform.access;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a route requires. Every controller method (or its class) declares exactly one with
 * {@link RequirePermission}; routes that are not controllers (static files, actuator, OpenAPI) are declared in the
 * security module's route table. Which roles hold which permission is {@link Role}'s table; token scopes that are not
 * roles ({@code ingest}, {@code metrics}) hold the few permissions named in {@code ApiScope}.
 *
 * <p>Two pseudo-permissions: {@link #PUBLIC} (anyone, signed in or not: the sign-in page and static assets only) and
 * {@link #SELF} (any signed-in user or role token: one's own profile, tokens and sign-out). Slots for later modules
 * (incidents, on-call, events, governance) are declared here so that roles already grant them.
 */
public enum Permission {
    PUBLIC,
    SELF,
    INGEST,
    HEALTH_READ,
    METRICS_READ,
    API_DOCS_READ,
    DASHBOARD_READ,
    ALERTS_READ,
    ALERTS_WRITE,
    RULES_READ,
    RULES_WRITE,
    SOURCES_READ,
    SOURCES_WRITE,
    APPLICATIONS_READ,
    APPLICATIONS_WRITE,
    INCIDENTS_READ,
    INCIDENTS_WRITE,
    /** Incident-response configuration: triage rules, playbooks, taxonomy, stakeholders, calendars, obligations. */
    INCIDENTS_CONFIGURE,
    ONCALL_READ,
    ONCALL_WRITE,
    EVENTS_READ,
    /**
     * Start retro-hunts, and cancel one's own: a hunt is a background job over the stored events that occupies the
     * hunt pool (one at a time by default), so read-only roles (auditor, viewer) see hunts but do not start them.
     * Cancelling another principal's hunt needs {@link #SYSTEM_WRITE} as well.
     */
    HUNTS_RUN,
    GOVERNANCE_READ,
    GOVERNANCE_WRITE,
    AUDIT_READ,
    USERS_READ,
    USERS_WRITE,
    TOKENS_READ,
    TOKENS_WRITE,
    WEBHOOKS_READ,
    WEBHOOKS_WRITE,
    SYSTEM_READ,
    SYSTEM_WRITE;

    /** The lower-case id used in the API ({@code alerts_read}). */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for permissions that only read. */
    public boolean readOnly() {
        return name().endsWith("_READ") || this == PUBLIC || this == SELF;
    }
}
