package dev.vigil.engine.rule;

import dev.vigil.engine.RuleInfo;
import java.util.Map;

/**
 * A parsed, validated Sigma detection rule: its description and its detection logic with every modifier applied.
 * {@code raw} is the YAML document as loaded (maps keep file order) for tools that need other attributes.
 */
public record SigmaRule(RuleInfo info, DetectionDef detection, Map<String, Object> raw) {}
