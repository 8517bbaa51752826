package dev.vigil.server.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One integrity verification of the event store and its outcome (kept in PostgreSQL; governance shows them as
 * evidence of "periodically verify the integrity of analysed data").
 *
 * @param trigger {@code api}, {@code cli} or {@code schedule}
 * @param from, to the receive-time range verified (null: unbounded)
 * @param status {@code running}, {@code clean}, {@code tampered} or {@code failed}
 * @param batchesChecked sealed batches whose events were re-read and re-hashed
 * @param batchesRetired batches removed by retention: only their ledger rows (the chain) were checked
 * @param eventsChecked events re-read
 * @param headBatch, headDigest the chain head when the verification ran (later verifications check it is still there)
 * @param unsealedEvents events stored after the last seal (not covered until the next seal, seconds later)
 * @param problems what was found (at most 1,000 listed; {@code problemCount} counts all)
 */
public record Verification(
        UUID id,
        String trigger,
        String requestedBy,
        Instant from,
        Instant to,
        Instant startedAt,
        Instant finishedAt,
        String status,
        long batchesChecked,
        long batchesRetired,
        long eventsChecked,
        Long firstBatch,
        Long lastBatch,
        Long headBatch,
        String headDigest,
        long unsealedEvents,
        List<IntegrityProblem> problems,
        int problemCount,
        String error) {

    public boolean finished() {
        return !"running".equals(status);
    }
}
