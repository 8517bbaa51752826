package dev.vigil.server.detection;

import java.time.Instant;
import java.util.List;

/**
 * A stored rule (or filter, or correlation rule) with its state.
 *
 * @param ref the rule's stable reference (its Sigma id; else its name)
 * @param kind {@code rule}, {@code filter} or {@code correlation}
 * @param active whether the rule is in the running compiled rule set (enabled and compiled without refusal)
 */
public record DetectionRule(
        String ref,
        String kind,
        String title,
        String level,
        String status,
        List<String> tags,
        List<String> tactics,
        String product,
        String category,
        String service,
        String origin,
        boolean enabled,
        boolean active,
        Instant importedAt,
        Instant updatedAt,
        RuleStats stats) {}
