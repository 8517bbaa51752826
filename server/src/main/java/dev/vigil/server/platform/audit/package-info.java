/**
 * The audit trail: {@link dev.vigil.server.platform.audit.AuditLog#record} writes one append-only, hash-chained entry
 * per change (actor, time, object, before/after as JSON) in the caller's transaction;
 * {@link dev.vigil.server.platform.audit.AuditChain} verifies the chain from plain JDBC (the server's scheduled check,
 * the API and {@code ./vigil audit verify} share it).
 */
@org.springframework.modulith.NamedInterface("audit")
package dev.vigil.server.platform.audit;
