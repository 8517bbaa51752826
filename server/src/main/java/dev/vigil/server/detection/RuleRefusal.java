package dev.vigil.server.detection;

/** A rule that was not imported or not compiled, and why (file, rule id, YAML path, specific reason). */
public record RuleRefusal(String origin, String ruleId, String yamlPath, String reason) {}
