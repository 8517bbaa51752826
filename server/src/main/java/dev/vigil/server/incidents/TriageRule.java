package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One triage rule: when an alert matches {@link When} (every given condition holds; a list matches when any of its
 * values does), the rule decides the attributes in {@link Then} that no earlier rule decided. Rules run in
 * {@code position} order; {@code stop} ends the evaluation after a matching rule; {@code action: suppress} records the
 * alert but opens no incident. Attributes no rule decides get defaults from the alert (severity from its level,
 * priority from the severity, classification {@code other/undetermined}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TriageRule(
        UUID id,
        String name,
        String description,
        int position,
        boolean enabled,
        When when,
        Then then,
        String action,
        boolean stop,
        boolean builtin,
        Instant updatedAt) {

    /**
     * Conditions on the alert, its rule and the application's inventory entry.
     *
     * @param minLevel at least this alert level
     * @param levels one of these levels
     * @param rules one of these rule ids
     * @param titleContains the rule title contains this (case-insensitive)
     * @param tags any of these tags; {@code attack.t1110} also matches sub-techniques such as {@code attack.t1110.001}
     * @param tactics any of these ATT&amp;CK tactics ({@code credential-access}, ...)
     * @param sources one of these log sources
     * @param applications one of these applications
     * @param minCriticality the alert's application is in the inventory with at least this criticality
     * @param entities each named entity kind ({@code user}, {@code host}, {@code src_ip}) has one of the values;
     *     {@code "*"} only requires the entity to be present
     * @param correlation true: only correlation alerts; false: only single-event alerts
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record When(
            String minLevel,
            List<String> levels,
            List<String> rules,
            String titleContains,
            List<String> tags,
            List<String> tactics,
            List<String> sources,
            List<String> applications,
            String minCriticality,
            Map<String, List<String>> entities,
            Boolean correlation) {}

    /**
     * What the rule decides.
     *
     * @param groupBy grouping key parts: {@code rule}, {@code application}, {@code source}, {@code entities} (all
     *     entity values), {@code entity:<kind>}, {@code correlation} (the correlation group)
     * @param groupWindow how long after an incident's last alert new alerts still join it ({@code 30m}, {@code 2h},
     *     {@code 1d}, ISO-8601)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Then(
            String severity,
            Integer priority,
            String classification,
            String team,
            String playbook,
            String escalationPolicy,
            List<String> groupBy,
            String groupWindow) {}
}
