package dev.vigil.server.platform.audit;

import java.time.Instant;

/**
 * The outcome of verifying the audit chain.
 *
 * @param intact true when every entry's hash matches its content and its predecessor, sequence numbers have no gaps,
 *     and the head is not behind the last checkpoint
 * @param entries entries checked
 * @param headSeq the last entry's sequence number (0 when empty)
 * @param headHash the last entry's hash (hex), or null when empty
 * @param firstBadSeq the first entry that failed, or null
 * @param problem what failed, or null
 * @param checkedAt when the check ran
 */
public record ChainVerification(
        boolean intact,
        long entries,
        long headSeq,
        String headHash,
        Long firstBadSeq,
        String problem,
        Instant checkedAt) {}
