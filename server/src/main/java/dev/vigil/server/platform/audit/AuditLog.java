package dev.vigil.server.platform.audit;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.util.function.Consumer;

/**
 * The append-only, hash-chained audit log. Every change to configuration, rules, sources, applications, tokens,
 * users (and incidents, schedules, ...) calls {@link #record} <em>in the transaction that makes the change</em>, as
 * its last statement: the entry commits or rolls back with the change. Appends are serialised (a PostgreSQL advisory
 * lock held to the end of the transaction) so the chain stays linear under concurrent writers.
 *
 * <p>{@code before}/{@code after} are any Jackson-serialisable values (records, maps) or null; they are stored as
 * canonical JSON. Never pass secrets (password hashes, token values): pass the view you would show an auditor.
 */
public interface AuditLog {

    /** Records a change by the current actor ({@link Actor#current()}); returns the entry. */
    AuditEntry record(String action, String objectType, String objectId, Object before, Object after);

    /** Records a change by an explicit actor (e.g. a failed sign-in, where nobody is authenticated yet). */
    AuditEntry record(Actor actor, String action, String objectType, String objectId, Object before, Object after);

    /** Entries matching the query, newest first by default (sortable: {@code seq}, {@code occurredAt}). */
    Page<AuditEntry> find(AuditQuery query, PageQuery page);

    /** Streams every entry matching the query, oldest first (exports). */
    void forEach(AuditQuery query, Consumer<AuditEntry> consumer);

    /** Verifies the whole chain now and records a checkpoint. */
    ChainVerification verify();

    /** The result of the last verification (scheduled or on demand) since start, or null. */
    ChainVerification lastVerification();
}
