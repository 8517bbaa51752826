package dev.vigil.server.events;

import java.time.LocalDate;
import java.util.List;

/**
 * The event store at a glance.
 *
 * @param events events searchable now
 * @param lastId the highest id assigned
 * @param indexedThrough every event with an id up to this is searchable
 * @param committedThrough every event with an id up to this is in a Lucene commit
 * @param sealedThrough every event with an id up to this is sealed in the chain
 * @param evaluatedThrough every event with an id up to this has been evaluated by detection
 * @param headBatch the chain's last batch number
 * @param headDigest its digest (hex): publish it somewhere else to anchor the chain
 * @param walBytes, walSegments the write-ahead log on disk
 * @param groupCommits fsyncs of the write-ahead log since start
 * @param indexBytes the partitions on disk
 * @param healthy false when the write-ahead log failed (intake answers 503)
 */
public record StoreStatus(
        long events,
        long lastId,
        long indexedThrough,
        long committedThrough,
        long sealedThrough,
        long evaluatedThrough,
        long headBatch,
        String headDigest,
        long walBytes,
        int walSegments,
        long groupCommits,
        long indexBytes,
        boolean healthy,
        List<PartitionStatus> partitions) {

    /** One partition. */
    public record PartitionStatus(
            String name, LocalDate day, int retentionDays, long events, long bytes, boolean writable) {}
}
