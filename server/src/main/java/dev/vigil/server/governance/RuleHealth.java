package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;

/**
 * How one rule is doing: matches and alerts, how its alerts turned out in incidents (null without the incidents
 * module), its last review, and why it counts as noisy.
 *
 * @param alertsLastWeek alerts raised in the 7 days before {@code asOf}
 * @param judged alerts of the rule in resolved or closed incidents with an outcome; {@code falsePositives} of them in
 *     incidents whose outcome is false positive
 * @param noise reasons it is listed as noisy ({@code alert-volume}, {@code rate-limited}, {@code false-positives});
 *     empty when it is not
 * @param reviewDue never reviewed, or the last review is older than a year
 */
public record RuleHealth(
        String ref,
        String title,
        String kind,
        String level,
        boolean enabled,
        boolean active,
        long matches,
        long suppressed,
        long errors,
        Instant lastMatch,
        long alerts,
        long alertsLastWeek,
        Long judged,
        Long falsePositives,
        Instant lastReviewedAt,
        String lastReviewedBy,
        String lastVerdict,
        List<String> noise,
        boolean reviewDue) {
    public boolean noisy() {
        return !noise.isEmpty();
    }
}
