package dev.vigil.server.assessment.internal;

import dev.vigil.server.governance.ContactPoint;
import dev.vigil.server.governance.Exercise;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.LogDefect;
import dev.vigil.server.governance.RaciAssignment;
import dev.vigil.server.governance.TrainingRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything the assessment looks at, gathered once per computation ({@link FactsCollector}) so that
 * {@link SammEvaluator} is a pure function of it.
 *
 * @param detection the incident detection process (kind detection; the oldest when several), or null
 * @param response the incident response process, or null
 * @param managedChecklist managed checklist entries: total, covered by an active rule, overdue for review, and the
 *     sources (kinds of input) they came from
 * @param response facts from incident handling and on-call, see {@link ResponseFacts}
 */
record Facts(
        Instant asOf,
        List<App> apps,
        GovernedProcess detection,
        GovernedProcess response,
        List<ContactPoint> contactPoints,
        List<TrainingRecord> training,
        List<RaciAssignment> raci,
        List<Exercise> exercises,
        int managedChecklist,
        int managedCovered,
        int managedOverdue,
        Set<String> checklistSources,
        List<LogDefect> openDefects,
        ResponseFacts responseFacts) {

    /**
     * An application as the detection process sees it.
     *
     * @param analyzed at least one of its sources delivers and at least one active rule applies to it
     * @param covered no coverage flag: every expected source configured and delivering, and rules apply
     */
    record App(String name, String criticality, boolean analyzed, boolean covered) {}

    /**
     * Incident handling and on-call facts over the assessment period (the last 365 days; on-call: the last 30).
     *
     * @param incidentsAvailable whether incident records exist in this installation (the incidents module)
     * @param responded incidents that someone acknowledged or resolved
     * @param classified incidents with a classification other than "undetermined"
     * @param incidentTypes incident types in use (RACI types and classes of incidents)
     * @param typesWithPlaybook those of {@code incidentTypes} an active playbook applies to
     * @param highClosed closed high/critical incidents; {@code highWithRca} of them with RCA completed or waived
     * @param closed closed incidents; {@code closedWithRca} with RCA completed or waived
     * @param onCallAvailable whether on-call schedules exist (the on-call module)
     * @param onCallCovered hours of the last 30 days with someone on call; {@code onCallHours} hours in total
     * @param escalationPolicies number of escalation policies
     * @param forensicTooling whether the event store (retro-hunt, evidence export) is available
     */
    record ResponseFacts(
            boolean incidentsAvailable,
            long incidents,
            long responded,
            long classified,
            Set<String> incidentTypes,
            Set<String> typesWithPlaybook,
            long highClosed,
            long highWithRca,
            long closed,
            long closedWithRca,
            boolean onCallAvailable,
            long onCallCovered,
            long onCallHours,
            int escalationPolicies,
            boolean forensicTooling) {

        static ResponseFacts none(Set<String> raciTypes, boolean forensicTooling) {
            return new ResponseFacts(false, 0, 0, 0, raciTypes, Set.of(), 0, 0, 0, 0, false, 0, 0, 0, forensicTooling);
        }
    }
}
