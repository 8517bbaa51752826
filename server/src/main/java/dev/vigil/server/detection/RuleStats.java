package dev.vigil.server.detection;

import java.time.Instant;

/**
 * Counters of one rule since it was first imported.
 *
 * @param matches detections (before suppression)
 * @param errors evaluation failures
 * @param suppressed detections not raised as alerts because the rule exceeded its alert rate limit or is below the
 *     alerting level
 * @param lastMatch time of the last detection
 * @param lastError the last failure message
 */
public record RuleStats(
        long matches, long errors, long suppressed, Instant lastMatch, String lastError, Instant lastErrorAt) {
    public static final RuleStats NONE = new RuleStats(0, 0, 0, null, null, null);
}
