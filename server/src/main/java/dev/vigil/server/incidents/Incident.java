package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An incident record after NIST SP 800-61r2 (§3.2.5 "Incident Documentation"): what happened, how bad, who leads and
 * works it, what is affected, the indicators, the ATT&amp;CK techniques, where in the response it is, and when each
 * milestone happened. Every timestamp is an instant (UTC on the wire, shown in the viewer's time zone).
 *
 * @param reference the human reference, {@code INC-<number>}
 * @param priority 1 (P1, most urgent) to 5
 * @param classification the current RSIT classification; {@code firstClassification} is the first one ever set and
 *     {@code finalClassification} the one confirmed when closing
 * @param triage which triage rule decided which attribute ({@code severity}, {@code priority}, {@code classification},
 *     {@code team}, {@code playbook}, {@code escalationPolicy})
 * @param alertCount alerts in the incident, duplicates included
 * @param milestones named moments deadlines are anchored to besides the timestamps: {@code awareness} (defaults to
 *     {@code detectedAt}), {@code major} (classified as a major incident, DORA), {@code materiality} (SEC 8-K), {@code
 *     p1} (first became P1), or any the organisation defines
 * @param mergedInto set when this incident was merged into another one
 * @param source how it started: {@code alert}, {@code manual} or {@code split}
 */
public record Incident(
        UUID id,
        long number,
        String reference,
        String title,
        String description,
        IncidentSeverity severity,
        int priority,
        IncidentStatus status,
        Phase phase,
        Outcome outcome,
        Classification classification,
        Classification firstClassification,
        Classification finalClassification,
        String owningTeam,
        String lead,
        List<String> assignees,
        List<String> applications,
        List<String> assets,
        List<String> techniques,
        List<String> tactics,
        List<String> dataTypes,
        List<String> jurisdictions,
        String escalationPolicy,
        String playbook,
        Map<String, TriageDecision> triage,
        int alertCount,
        Instant lastAlertAt,
        Instant occurredAt,
        Instant detectedAt,
        Instant reportedAt,
        Instant acknowledgedAt,
        Instant containedAt,
        Instant resolvedAt,
        Instant closedAt,
        Map<String, Instant> milestones,
        UUID mergedInto,
        String bridgeUrl,
        String chatUrl,
        String closeNote,
        String source,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        int version) {

    /** The exercise whose replay opened this incident, or null for a production incident. */
    public UUID exerciseId() {
        return dev.vigil.server.normalize.ExerciseTag.exerciseOf(source);
    }

    /** The priority as shown to people: {@code P1}..{@code P5}. */
    public String priorityLabel() {
        return "P" + priority;
    }

    /**
     * The instant a named anchor stands for: a timestamp ({@code occurred}, {@code detected}, {@code reported},
     * {@code acknowledged}, {@code contained}, {@code resolved}, {@code closed}, {@code created}) or a milestone;
     * {@code awareness} and {@code discovery} fall back to the detection time. Null when it has not happened yet.
     */
    public Instant anchor(String name) {
        Instant m = milestones.get(name);
        if (m != null) {
            return m;
        }
        return switch (name) {
            case "occurred" -> occurredAt;
            case "detected" -> detectedAt;
            case "reported" -> reportedAt;
            case "acknowledged" -> acknowledgedAt;
            case "contained" -> containedAt;
            case "resolved" -> resolvedAt;
            case "closed" -> closedAt;
            case "created" -> createdAt;
            case "awareness", "discovery" -> detectedAt != null ? detectedAt : createdAt;
            default -> null;
        };
    }

    /** Who decided an attribute in triage and to what. */
    public record TriageDecision(String rule, String value) {}
}
