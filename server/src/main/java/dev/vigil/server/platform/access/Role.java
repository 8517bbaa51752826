package dev.vigil.server.platform.access;

import static dev.vigil.server.platform.access.Permission.*;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Roles of users and role tokens, and the permissions each grants (the central table; a user with several roles has
 * the union). {@link #AUDITOR} reads everything, including the audit log, and changes nothing.
 */
public enum Role {
    /** Everything, including users, tokens, webhooks and system settings. */
    ADMIN(EnumSet.complementOf(EnumSet.of(PUBLIC))),
    /** Works incidents and on-call: acknowledges, escalates, searches events, runs retro-hunts. */
    RESPONDER(with(viewer(), ALERTS_WRITE, INCIDENTS_WRITE, ONCALL_WRITE, EVENTS_READ, HUNTS_RUN)),
    /** Detection engineering: rules, sources, applications, triage, event search and retro-hunts. */
    ANALYST(with(
            viewer(),
            ALERTS_WRITE,
            RULES_WRITE,
            SOURCES_WRITE,
            APPLICATIONS_WRITE,
            INCIDENTS_WRITE,
            INCIDENTS_CONFIGURE,
            EVENTS_READ,
            HUNTS_RUN)),
    /** Reads the operational pages: dashboard, alerts, rules, sources, applications, incidents, on-call. */
    VIEWER(viewer()),
    /** Read-only access to everything, including the audit log, users, tokens and webhooks. */
    AUDITOR(allReads());

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public boolean grants(Permission p) {
        return permissions.contains(p);
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown role '" + value + "' (expected admin, responder, analyst, viewer or auditor)");
        }
    }

    /** The union of the roles' permissions. */
    public static Set<Permission> permissionsOf(Collection<Role> roles) {
        EnumSet<Permission> all = EnumSet.noneOf(Permission.class);
        for (Role r : roles) {
            all.addAll(r.permissions);
        }
        return all;
    }

    private static Set<Permission> viewer() {
        return EnumSet.of(
                SELF,
                HEALTH_READ,
                API_DOCS_READ,
                DASHBOARD_READ,
                ALERTS_READ,
                RULES_READ,
                SOURCES_READ,
                APPLICATIONS_READ,
                INCIDENTS_READ,
                ONCALL_READ,
                GOVERNANCE_READ);
    }

    private static Set<Permission> allReads() {
        EnumSet<Permission> s = EnumSet.noneOf(Permission.class);
        for (Permission p : Permission.values()) {
            if (p != PUBLIC && p.readOnly()) {
                s.add(p);
            }
        }
        return s;
    }

    private static Set<Permission> with(Set<Permission> base, Permission... more) {
        EnumSet<Permission> s = EnumSet.copyOf(base);
        s.addAll(java.util.List.of(more));
        return s;
    }
}
