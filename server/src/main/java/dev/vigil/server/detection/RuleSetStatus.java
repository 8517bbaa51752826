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
 * @param waitingFirings correlation alerts waiting for the alert store, and the firing spool's set-aside files
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
        List<CorrelationClock> correlationClocks,
        WaitingFirings waitingFirings) {

    public RuleSetStatus {
        correlationClocks = correlationClocks == null ? List.of() : List.copyOf(correlationClocks);
    }

    /**
     * Correlation alerts that could not be stored at once (docs/correlation.md, "Spools waiting firings").
     *
     * @param waiting alerts waiting (spooled to disk) for the alert store now
     * @param lost alerts given up since start (refused by the store, or beyond the bounds), each logged
     * @param corrupt unreadable spool files kept in {@code firings/corrupt/}
     * @param refused refused alerts kept in {@code firings/refused/}
     * @param pruned files deleted since start from {@code corrupt/} and {@code refused/} to keep them within their
     *     bounds, each logged
     */
    public record WaitingFirings(int waiting, long lost, int corrupt, int refused, long pruned) {}
}
