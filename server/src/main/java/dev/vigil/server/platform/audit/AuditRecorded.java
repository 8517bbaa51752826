package dev.vigil.server.platform.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * Published (durably, in the recording transaction) for every audit entry, so that webhooks can announce changes as
 * {@code <objectType>.<action>} events. {@code before}/{@code after} are JSON text or null.
 */
public record AuditRecorded(
        UUID entryId,
        long seq,
        Instant occurredAt,
        Actor actor,
        String action,
        String objectType,
        String objectId,
        String before,
        String after) {

    /** The webhook event type of this change, e.g. {@code rule.disabled}. */
    public String eventType() {
        return objectType + "." + action;
    }
}
