package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;

/**
 * Read-only incident records for metrics and the self-assessment (issue 10): the {@link IncidentFacts} of each
 * incident plus what grouping and phase timing need.
 */
public interface IncidentMetricsQuery {

    /** Incidents created in [from, to) that were not merged into another one, oldest first. */
    List<IncidentRecord> incidents(Instant from, Instant to);

    /**
     * Per detection rule (its ref, the alert's {@code ruleId}): alerts in resolved or closed incidents with an
     * outcome, and of those the alerts in incidents whose outcome is {@code false-positive}. Duplicates of an alert
     * count as alerts. All time.
     */
    java.util.Map<String, RuleOutcomes> outcomesByRule();

    /** How the alerts of one rule turned out: {@code judged} alerts in incidents with an outcome. */
    record RuleOutcomes(long judged, long falsePositives) {}

    /**
     * @param classification the current classification ({@code class/type}), {@code other/undetermined} when unset
     * @param owningTeam the owning team, or null
     * @param phases the phases the incident entered, in order, the first at its creation
     */
    record IncidentRecord(IncidentFacts facts, String classification, String owningTeam, List<PhaseChange> phases) {}

    /** The incident entered {@code phase} at {@code at}. */
    record PhaseChange(Phase phase, Instant at) {}
}
