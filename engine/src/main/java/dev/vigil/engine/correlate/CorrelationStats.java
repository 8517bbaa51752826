package dev.vigil.engine.correlate;

import java.time.Instant;
import java.util.List;

/**
 * Correlation counters since the correlator was created (or restored).
 *
 * @param offered detections that reached correlation (consumed by a correlation rule or relevant to the kill chain)
 * @param processed detections folded into windows, in event-time order
 * @param lateDetections detections older than the watermark, not folded in
 * @param heldBack detections currently held back for reordering (all partitions)
 * @param processingTimeFallbacks detections whose event had no timestamp: the injected clock (processing time) was
 *     used as their event time
 * @param missingGroupBy detections skipped by a correlation rule because a {@code group-by} field was missing
 * @param missingValue detections skipped because the condition {@code field} was missing or not a number
 * @param truncations windows that dropped in-window detections to honour a cap (aggregate approximate)
 * @param evictions groups evicted to honour the per-rule or global cap
 * @param expired idle groups removed after their window passed (or with their forgotten partition)
 * @param firings correlation detections emitted (after {@code generate} filtering)
 * @param killChainFirings kill-chain detections emitted
 * @param groups group states currently kept
 * @param watermark the current watermark of the default partition, or null before its first detection (other
 *     {@linkplain CorrelationOptions#withPartition partitions} keep watermarks of their own: {@link #partitions()})
 * @param partitions the event-time clock of every partition the correlator currently keeps: the default partition
 *     ({@code ""}) first — always, even before its first detection —, then the others in the order they appeared.
 *     A partition that is {@linkplain CorrelationOptions#withPartition forgotten} is no longer listed.
 */
public record CorrelationStats(
        long offered,
        long processed,
        long lateDetections,
        int heldBack,
        long processingTimeFallbacks,
        long missingGroupBy,
        long missingValue,
        long truncations,
        long evictions,
        long expired,
        long firings,
        long killChainFirings,
        int groups,
        Instant watermark,
        List<PartitionClock> partitions) {

    public CorrelationStats {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }

    /**
     * One partition's event-time clock.
     *
     * @param partition the partition's name ({@code ""} for the default one)
     * @param watermark its watermark (maximum event time seen minus the allowance, or later after an idle release or a
     *     flush), or null before its first detection
     * @param heldBack its detections currently held back for reordering
     */
    public record PartitionClock(String partition, Instant watermark, int heldBack) {}

    /** The watermark of {@code partition} ({@code null} or {@code ""}: the default one), or null when none is kept. */
    public Instant watermark(String partition) {
        String name = partition == null ? "" : partition;
        for (PartitionClock c : partitions) {
            if (c.partition().equals(name)) return c.watermark();
        }
        return null;
    }
}
