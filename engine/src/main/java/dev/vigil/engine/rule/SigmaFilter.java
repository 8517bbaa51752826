package dev.vigil.engine.rule;

import dev.vigil.engine.Logsource;
import java.util.List;
import java.util.Map;

/**
 * A Sigma filter (meta-rule, {@code filter:} document). With pySigma semantics: for every rule whose logsource the
 * filter's logsource covers and that is named in {@code rules} (by id, name or title; an empty list or {@code
 * any}/{@code all} means every such rule), the rule's condition becomes {@code (rule condition) and (filter
 * condition)}. Filters conventionally say {@code condition: not selection}.
 */
public record SigmaFilter(
        String id,
        String title,
        String file,
        Logsource logsource,
        List<String> rules,
        boolean anyRule,
        DetectionDef detection,
        Map<String, Object> raw) {

    public SigmaFilter {
        rules = List.copyOf(rules);
    }

    /** Reference for messages: id, else title. */
    public String ref() {
        return id != null ? id : title;
    }
}
