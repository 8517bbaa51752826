package dev.vigil.engine.rule;

import java.util.List;
import java.util.Map;

/**
 * A Sigma correlation rule ({@code correlation:} document) as loaded: the common attributes are parsed, the rest is
 * kept in {@code raw} (maps in file order) for the correlation compiler ({@code dev.vigil.engine.correlate}). Only
 * structural validation happens at load (a type, referenced rules, a timespan); semantics are checked on compile.
 *
 * @param type {@code event_count}, {@code value_count}, {@code temporal}, {@code temporal_ordered}, {@code
 *     value_sum}, {@code value_avg}, {@code value_percentile}, {@code value_median}
 * @param rules the referenced rules (ids or names), in order
 * @param condition the {@code condition} map ({@code gte: 5}, {@code field: User}), or null
 */
public record CorrelationRule(
        String id,
        String name,
        String title,
        String file,
        String level,
        String status,
        List<String> tags,
        String type,
        List<String> rules,
        List<String> groupBy,
        String timespan,
        Map<String, Object> condition,
        Map<String, Object> aliases,
        boolean generate,
        Map<String, Object> raw) {

    public CorrelationRule {
        tags = List.copyOf(tags);
        rules = List.copyOf(rules);
        groupBy = List.copyOf(groupBy);
    }

    /** Reference for messages: id, else name, else title. */
    public String ref() {
        return id != null ? id : name != null ? name : title;
    }
}
