package dev.vigil.server.detection;

import java.time.Instant;
import java.util.List;

/**
 * The running rule set.
 *
 * @param activeRules compiled detection rules
 * @param correlations correlation rules
 * @param storedRules rules in the database (enabled or not)
 * @param refused stored, enabled rules the compiler refused, with reasons
 * @param loadedAt when it was swapped in
 * @param reloads successful reloads since start
 * @param events events evaluated since start
 * @param detections rule matches since start
 * @param correlationClocks the correlation state's event-time clocks: production first (always, its watermark null
 *     before its first detection), then one per exercise whose replayed events are being correlated (an exercise's
 *     partition is forgotten once idle)
 */
public record RuleSetStatus(
        int activeRules,
        int correlations,
        int storedRules,
        List<RuleRefusal> refused,
        Instant loadedAt,
        long reloads,
        long events,
        long detections,
        List<CorrelationClock> correlationClocks) {

    public RuleSetStatus {
        correlationClocks = correlationClocks == null ? List.of() : List.copyOf(correlationClocks);
    }
}
