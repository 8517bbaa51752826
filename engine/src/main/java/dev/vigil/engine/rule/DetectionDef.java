package dev.vigil.engine.rule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code detection} section (or a filter's {@code filter} section): named selections in file order and one
 * or more conditions (several are OR-linked).
 */
public record DetectionDef(
        Map<String, Selection> identifiers, List<Condition> conditions, List<String> conditionTexts) {
    public DetectionDef {
        identifiers = Collections.unmodifiableMap(new LinkedHashMap<>(identifiers));
        conditions = List.copyOf(conditions);
        conditionTexts = List.copyOf(conditionTexts);
    }
}
