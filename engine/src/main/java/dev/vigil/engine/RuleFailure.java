package dev.vigil.engine;

/**
 * A rule failed on an event at runtime (a bug, or a resource limit). Collected per rule and reported; never aborts
 * the batch (Lucene monitor's {@code getErrors()}).
 */
public record RuleFailure(String ruleId, int eventIndex, String message) {}
