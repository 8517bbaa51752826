package dev.vigil.server.detection;

import dev.vigil.server.normalize.IngestedEvent;
import java.util.List;
import java.util.Map;

/**
 * A private compiled rule set that evaluates events exactly as live detection does (the same engine, pipelines,
 * logsource routing and filters) but raises no alerts: what retro-hunts run. Thread-safe.
 */
public interface RuleEvaluator {

    /** A rule that compiled: reference, title, level. */
    record Rule(String ref, String title, String level) {}

    List<Rule> rules();

    /** Rules of the selection that were refused, with the reason. */
    List<RuleRefusal> refused();

    /** The matches of a batch, in event order. */
    List<RuleMatch> evaluate(List<IngestedEvent> events);

    /** Runtime failures per rule so far (a failing rule never stops a batch). */
    Map<String, Long> failures();
}
