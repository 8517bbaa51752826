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
     * @param incidents incidents created in the period (merged ones not counted)
     * @param responded incidents that someone acknowledged, contained or resolved
     * @param classified incidents with a classification other than {@code other/undetermined}
     * @param incidentTypes incident types in use: the classifications ({@code class/type}) of the period's incidents
     *     and the RSIT classes of the RACI
     * @param typesWithPlaybook those of {@code incidentTypes} an active playbook applies to
     * @param highEnded high/critical incidents resolved or closed; {@code highWithRca} of them with RCA completed or
     *     waived; {@code highWithoutRca} the references of the others
     * @param closed closed incidents that were not false positives or benign (those need no RCA); {@code closedWithRca}
     *     with RCA completed or waived; {@code closedWithoutRca} the references of the others
     * @param onCallAvailable whether the on-call module is installed
     * @param onCallMinutes minutes of the on-call period with someone on call in a schedule; {@code fallbackMinutes}
     *     in a gap covered by a fallback contact; {@code periodMinutes} the whole period
     * @param schedules the schedules of the gap report (for evidence links)
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
            long highEnded,
            long highWithRca,
            List<String> highWithoutRca,
            long closed,
            long closedWithRca,
            List<String> closedWithoutRca,
            boolean onCallAvailable,
            long onCallMinutes,
            long fallbackMinutes,
            long periodMinutes,
            Instant onCallFrom,
            List<ScheduleRef> schedules,
            int escalationPolicies,
            boolean forensicTooling) {

        static ResponseFacts none(Set<String> raciTypes, boolean forensicTooling) {
            return new ResponseFacts(
                    false,
                    0,
                    0,
                    0,
                    raciTypes,
                    Set.of(),
                    0,
                    0,
                    List.of(),
                    0,
                    0,
                    List.of(),
                    false,
                    0,
                    0,
                    0,
                    null,
                    List.of(),
                    0,
                    forensicTooling);
        }
    }

    /** A schedule of the on-call gap report: its id, name and gap minutes over the period. */
    record ScheduleRef(java.util.UUID id, String name, long gapMinutes, boolean fallback) {}
}
