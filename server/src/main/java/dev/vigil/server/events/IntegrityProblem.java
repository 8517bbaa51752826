package dev.vigil.server.events;

import java.time.Instant;

/**
 * One finding of an integrity verification, naming the sealed batch (chain position, partition, id range) and the
 * receive- and event-time ranges it covers.
 *
 * @param kind what is wrong
 * @param expected events the batch was sealed with (content findings)
 * @param found events of the batch found in the store now
 * @param detail a sentence for a person
 */
public record IntegrityProblem(
        Kind kind,
        Long batchNo,
        String partition,
        Long firstId,
        Long lastId,
        Instant firstReceived,
        Instant lastReceived,
        Instant minEventTime,
        Instant maxEventTime,
        Integer expected,
        Integer found,
        String detail) {

    public enum Kind {
        /** An event of the batch was changed (its bytes, or the indexed id or times disagree with them). */
        MODIFIED,
        /** Events of the batch are gone. */
        MISSING,
        /** The batch holds more events than were sealed, or an event lies outside every sealed batch. */
        INSERTED,
        /** The batch's events are all there, but not in the order (ids) they were sealed in. */
        REORDERED,
        /** The partition holding the batch is gone although retention did not remove it. */
        PARTITION_MISSING,
        /** A ledger row does not match its digest or does not link to the row before it. */
        CHAIN_BROKEN,
        /** Ledger rows are missing between two batches. */
        LEDGER_GAP,
        /** A chain head recorded by an earlier verification is no longer in the chain (history rewritten). */
        ANCHOR_MISMATCH
    }
}
