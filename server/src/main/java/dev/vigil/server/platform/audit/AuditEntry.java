package dev.vigil.server.platform.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit log as stored. {@code before}/{@code after} are canonical JSON text (sorted keys) or null;
 * {@code hash} is SHA-256 over {@code prevHash} and the canonical encoding of every other field
 * ({@link AuditChain#hash}).
 */
public record AuditEntry(
        long seq,
        UUID id,
        Instant occurredAt,
        String actorType,
        String actorId,
        String actorName,
        String sourceIp,
        String action,
        String objectType,
        String objectId,
        String before,
        String after,
        String prevHash,
        String hash) {

    public Actor actor() {
        return new Actor(actorType, actorId, actorName);
    }
}
