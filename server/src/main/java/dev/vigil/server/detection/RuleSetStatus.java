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
 */
public record RuleSetStatus(
        int activeRules,
        int correlations,
        int storedRules,
        List<RuleRefusal> refused,
        Instant loadedAt,
        long reloads,
        long events,
        long detections) {}
