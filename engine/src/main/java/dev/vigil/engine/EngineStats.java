package dev.vigil.engine;

/**
 * Counters since the engine was created.
 *
 * @param ruleEvaluations rule evaluations performed (after routing and, later, the candidate index)
 * @param unroutedEvents events whose logsource was unknown, evaluated against every rule
 */
public record EngineStats(
        long batches,
        long events,
        long detections,
        long ruleEvaluations,
        long failures,
        long unroutedEvents,
        int rules,
        long swaps) {

    /** Mean rules evaluated per event. */
    public double meanRulesPerEvent() {
        return events == 0 ? 0 : (double) ruleEvaluations / events;
    }
}
