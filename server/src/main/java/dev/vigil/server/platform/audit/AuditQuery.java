package dev.vigil.server.platform.audit;

import java.time.Instant;

/**
 * Filters for reading the audit log; null means any. {@code actor} matches the actor's name or id,
 * {@code objectId} the object exactly; {@code text} searches action, object and before/after.
 */
public record AuditQuery(
        String actor, String action, String objectType, String objectId, String text, Instant from, Instant to) {
    public static final AuditQuery ALL = new AuditQuery(null, null, null, null, null, null, null);
}
