package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Why a correlation rule (or the kill-chain scorer) fired. Attached to the {@link Detection} it generates; null on
 * plain detections.
 *
 * @param type the correlation type ({@code event_count}, …, {@code value_median}) or {@code kill_chain}
 * @param groupKey {@code group-by} field (or alias) → value; empty for a rule without {@code group-by}. For a kill
 *     chain: entity type → entity value, e.g. {@code host → ws-042}
 * @param windowStart event time of the earliest contributing detection
 * @param windowEnd event time of the detection that completed the condition (the firing's event time)
 * @param value the aggregate that satisfied the condition: event count, distinct value count, number of rules
 *     (temporal), sum, average, percentile or median; for a kill chain the entity's risk score
 * @param contributing the contributing detections in event-time order (at most {@link
 *     CorrelationOptions#maxContributing()}, the most recent ones)
 * @param contributingTotal how many detections were in the window (may exceed {@code contributing.size()})
 * @param tactics kill chain only: the ATT&amp;CK tactics of the progression in order; empty otherwise
 * @param explanation a one-line human-readable account of the firing (rules, values, tactics, scores)
 * @param partition the {@linkplain CorrelationOptions#withPartition partition} every contributing detection belongs
 *     to: {@code ""} for the default partition (the only one unless a partition function is configured)
 */
public record CorrelationContext(
        String type,
        Map<String, String> groupKey,
        Instant windowStart,
        Instant windowEnd,
        double value,
        List<Detection> contributing,
        int contributingTotal,
        List<String> tactics,
        String explanation,
        String partition) {
    public CorrelationContext {
        partition = partition == null ? "" : partition;
        groupKey = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groupKey));
        contributing = List.copyOf(contributing);
        tactics = tactics == null ? List.of() : List.copyOf(tactics);
    }

    /** A context in the default partition. */
    public CorrelationContext(
            String type,
            Map<String, String> groupKey,
            Instant windowStart,
            Instant windowEnd,
            double value,
            List<Detection> contributing,
            int contributingTotal,
            List<String> tactics,
            String explanation) {
        this(type, groupKey, windowStart, windowEnd, value, contributing, contributingTotal, tactics, explanation, "");
    }
}
