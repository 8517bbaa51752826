package dev.vigil.server.events.internal;

import java.time.Instant;

/**
 * One sealed batch of the chain, as kept in {@code event_batches}: the events of one partition with ids in
 * {@code [firstId, lastId]} ({@code count} of them; ids of other partitions interleave), their receive-time and
 * event-time ranges, the digests and the link to the previous batch.
 *
 * @param contentDigest SHA-256 over {@code (id, SHA-256(canonical bytes))} of every event, in id order
 * @param setDigest SHA-256 over the sorted per-event hashes (order-independent: tells "reordered" from "modified")
 * @param digest the chain digest ({@link ChainDigests#chain}) over this row and {@code prevDigest}
 */
record SealedBatch(
        long batchNo,
        String partition,
        long firstId,
        long lastId,
        int count,
        Instant firstReceived,
        Instant lastReceived,
        Instant minEventTime,
        Instant maxEventTime,
        byte[] contentDigest,
        byte[] setDigest,
        byte[] prevDigest,
        byte[] digest,
        Instant sealedAt,
        Instant retiredAt) {

    /** The chain digest this row should have, recomputed from its fields. */
    byte[] expectedDigest() {
        return ChainDigests.chain(
                prevDigest,
                batchNo,
                partition,
                firstId,
                lastId,
                count,
                firstReceived,
                lastReceived,
                minEventTime,
                maxEventTime,
                contentDigest,
                setDigest);
    }
}
