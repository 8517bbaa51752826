package dev.vigil.engine;

/**
 * Observability hooks of an {@link Engine} (Micrometer counters in the server). Called on the matching thread:
 * implementations must be cheap and thread-safe. Every method has a no-op default.
 */
public interface EngineListener {
    EngineListener NOOP = new EngineListener() {};

    /** After each batch: events matched, detections, rule evaluations, failures, wall time. */
    default void batchMatched(int events, int detections, long ruleEvaluations, int failures, long nanos) {}

    /** A rule failed on an event. */
    default void ruleFailed(RuleFailure failure) {}

    /** A new rule set was swapped in. */
    default void ruleSetSwapped(RuleSet previous, RuleSet current) {}

    /**
     * A base detection was withheld from the result because it only feeds correlation rules ({@code generate:
     * false}); it still counts as a match of its rule.
     */
    default void detectionWithheld(Detection detection) {}
}
