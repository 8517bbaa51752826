package dev.vigil.server.assessment.internal;

import dev.vigil.server.assessment.Evidence;
import dev.vigil.server.assessment.QuestionResult;
import dev.vigil.server.assessment.QuestionResult.Criterion;
import dev.vigil.server.assessment.SammQuestion;
import dev.vigil.server.governance.Exercise;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.TrainingRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers the six SAMM Incident Management questions from {@link Facts}. A pure function: the same facts always give
 * the same answers.
 *
 * <p><b>Coverage answer.</b> Each question counts units (applications, incidents, incident types, on-call hours):
 * none qualifying is "No"; under half "for some"; half to under 80% "at least half"; 80% and more "most or all". A
 * question whose prerequisite is missing (e.g. no documented detection process for IM2-A) is "No".
 *
 * <p><b>Quality criteria.</b> SAMM credits an answer only when its quality criteria hold, so while any criterion is
 * unmet the computed answer is capped at "for some" (0.25). Every criterion names its evidence (links to the records).
 *
 * <p><b>Score.</b> A stream's score is the sum of its three answer values (0..3); the practice score is the mean of
 * the two streams (the SAMM toolbox's scoring).
 */
final class SammEvaluator {
    static final Duration YEAR = Duration.ofDays(365);

    private SammEvaluator() {}

    static int coverageAnswer(long covered, long total) {
        if (total <= 0 || covered <= 0) {
            return 0;
        }
        double f = (double) covered / total;
        if (f >= 0.8) {
            return 3;
        }
        return f >= 0.5 ? 2 : 1;
    }

    static List<QuestionResult> evaluate(Facts f, Map<String, QuestionResult.Override> overrides) {
        List<QuestionResult> out = new ArrayList<>();
        out.add(im1a(f));
        out.add(im2a(f));
        out.add(im3a(f));
        out.add(im1b(f));
        out.add(im2b(f));
        out.add(im3b(f));
        List<QuestionResult> applied = new ArrayList<>();
        for (QuestionResult q : out) {
            QuestionResult.Override o = overrides.get(q.id());
            applied.add(o == null ? q : withOverride(q, o));
        }
        return applied;
    }

    private static QuestionResult withOverride(QuestionResult q, QuestionResult.Override o) {
        SammQuestion sq = SammQuestion.byId(q.id());
        return new QuestionResult(
                q.id(),
                q.level(),
                q.stream(),
                q.question(),
                q.covered(),
                q.total(),
                q.coverageAnswer(),
                q.computedAnswer(),
                sq.answers().get(o.answer()),
                o.answer(),
                SammQuestion.WEIGHTS[o.answer()],
                q.explanation(),
                q.evidence(),
                q.criteria(),
                o);
    }

    private static QuestionResult result(
            String id,
            long covered,
            long total,
            boolean prerequisite,
            String explanation,
            List<Evidence> evidence,
            List<Criterion> criteria) {
        SammQuestion q = SammQuestion.byId(id);
        int coverage = prerequisite ? coverageAnswer(covered, total) : 0;
        boolean allMet = criteria.stream().allMatch(Criterion::met);
        int computed = allMet ? coverage : Math.min(coverage, 1);
        String why = explanation;
        if (!allMet && coverage > 1) {
            why += " Capped at \"" + q.answers().get(1) + "\" because a quality criterion is not met.";
        }
        return new QuestionResult(
                q.id(),
                q.level(),
                q.stream(),
                q.text(),
                covered,
                total,
                coverage,
                computed,
                q.answers().get(computed),
                computed,
                SammQuestion.WEIGHTS[computed],
                why,
                List.copyOf(evidence),
                List.copyOf(criteria),
                null);
    }

    private static Criterion criterion(String questionId, int index, boolean met, String why, Evidence... evidence) {
        return new Criterion(SammQuestion.byId(questionId).criteria().get(index), met, why, List.of(evidence));
    }

    private static Evidence process(GovernedProcess p) {
        return new Evidence("Process: " + p.title(), "/governance/processes/" + p.key());
    }

    private static final Evidence APPLICATIONS = new Evidence("Applications and their coverage", "/applications");
    private static final Evidence SOURCES = new Evidence("Log sources", "/sources");
    private static final Evidence CONTACTS = new Evidence("Contact points", "/governance#contact-points");
    private static final Evidence TRAINING = new Evidence("Training records", "/governance#training");
    private static final Evidence CHECKLIST = new Evidence("Detection checklist", "/governance/checklist");
    private static final Evidence RACI = new Evidence("Roles and responsibilities (RACI)", "/governance#raci");
    private static final Evidence EXERCISES = new Evidence("Exercises", "/governance#exercises");
    private static final Evidence INCIDENTS = new Evidence("Incidents", "/incidents");
    private static final Evidence ONCALL = new Evidence("On-call schedules", "/oncall");
    private static final Evidence POLICIES = new Evidence("Escalation policies", "/oncall#policies");
    private static final Evidence PLAYBOOKS = new Evidence("Playbooks", "/incidents/settings#playbooks");

    /** Links to up to five incidents by reference, then to the incident list. */
    private static Evidence[] incidents(List<String> references) {
        List<Evidence> out = new ArrayList<>();
        for (String ref : references.stream().limit(5).toList()) {
            out.add(new Evidence("Incident " + ref, "/incidents/" + ref));
        }
        out.add(INCIDENTS);
        return out.toArray(Evidence[]::new);
    }

    private static String refs(List<String> references) {
        if (references.isEmpty()) {
            return "";
        }
        return " Without: " + String.join(", ", references.stream().limit(10).toList())
                + (references.size() > 10 ? " and " + (references.size() - 10) + " more" : "") + ".";
    }

    private static String hours(long minutes) {
        return minutes % 60 == 0
                ? Long.toString(minutes / 60)
                : String.format(java.util.Locale.ROOT, "%.1f", minutes / 60.0);
    }

    // ---------------------------------------------------------------- stream A

    static QuestionResult im1a(Facts f) {
        long total = f.apps().size();
        long analyzed = f.apps().stream().filter(Facts.App::analyzed).count();
        List<Criterion> c = new ArrayList<>();
        c.add(criterion(
                "IM1-A",
                0,
                !f.contactPoints().isEmpty(),
                f.contactPoints().isEmpty()
                        ? "No contact point for reporting incidents is published."
                        : f.contactPoints().size() + " contact point(s) published, and the report form for every user.",
                CONTACTS));
        c.add(criterion(
                "IM1-A",
                1,
                analyzed > 0,
                analyzed > 0
                        ? "Vigil evaluates every log record when it arrives, so analysis always happens within the"
                                + " retention period."
                        : "No application's logs are evaluated.",
                SOURCES));
        List<String> critical = f.apps().stream()
                .filter(a -> a.criticality().equals("high") || a.criticality().equals("critical"))
                .filter(a -> !a.analyzed())
                .map(Facts.App::name)
                .toList();
        c.add(criterion(
                "IM1-A",
                2,
                analyzed > 0 && critical.isEmpty(),
                critical.isEmpty()
                        ? "Every high and critical application is analyzed continuously."
                        : "High or critical applications without log analysis: " + String.join(", ", critical),
                APPLICATIONS));
        return result(
                "IM1-A",
                analyzed,
                total,
                true,
                analyzed + " of " + total + " applications have a delivering log source and active rules.",
                List.of(APPLICATIONS, SOURCES),
                c);
    }

    private static boolean trained(Facts f, GovernedProcess p, Instant asOf, List<String> lapsed) {
        if (p == null) {
            return false;
        }
        Map<String, List<TrainingRecord>> byPerson = new java.util.TreeMap<>();
        for (TrainingRecord t : f.training()) {
            if (t.processKey().equals(p.key()) && !t.completedAt().isAfter(asOf)) {
                byPerson.computeIfAbsent(t.person(), k -> new ArrayList<>()).add(t);
            }
        }
        int valid = 0;
        for (Map.Entry<String, List<TrainingRecord>> e : byPerson.entrySet()) {
            if (e.getValue().stream().anyMatch(t -> t.validAt(asOf))) {
                valid++;
            } else {
                lapsed.add(e.getKey());
            }
        }
        return valid > 0 && lapsed.isEmpty();
    }

    static QuestionResult im2a(Facts f) {
        GovernedProcess p = f.detection();
        boolean documented = p != null && p.documented();
        long total = f.apps().size();
        long covered = f.apps().stream().filter(Facts.App::covered).count();
        List<Evidence> pe = p == null ? List.of() : List.of(process(p));
        List<Criterion> c = new ArrayList<>();
        c.add(new Criterion(
                SammQuestion.byId("IM2-A").criteria().get(0),
                p != null,
                p == null ? "There is no incident detection process." : "Owner: " + p.owner() + ".",
                pe));
        c.add(new Criterion(
                SammQuestion.byId("IM2-A").criteria().get(1),
                documented,
                documented
                        ? "Version " + p.currentVersion()
                                + " of the documentation is kept in Vigil, readable by every user."
                        : "The process has no documentation.",
                pe));
        boolean escalation = p != null
                && ((p.escalationPath() != null && !p.escalationPath().isBlank())
                        || f.responseFacts().escalationPolicies() > 0);
        c.add(new Criterion(
                SammQuestion.byId("IM2-A").criteria().get(2),
                escalation,
                escalation
                        ? (p.escalationPath() != null ? "Escalation path: " + p.escalationPath() : "")
                                + (f.responseFacts().escalationPolicies() > 0
                                        ? " " + f.responseFacts().escalationPolicies() + " escalation policies."
                                        : "")
                        : "No escalation path is defined.",
                f.responseFacts().escalationPolicies() > 0
                        ? (pe.isEmpty() ? List.of(POLICIES) : List.of(pe.getFirst(), POLICIES))
                        : pe));
        List<String> lapsed = new ArrayList<>();
        boolean trained = trained(f, p, f.asOf(), lapsed);
        c.add(new Criterion(
                SammQuestion.byId("IM2-A").criteria().get(3),
                trained,
                trained
                        ? "Staff hold a valid training on the detection process."
                        : lapsed.isEmpty()
                                ? "Nobody is trained on the detection process."
                                : "Training lapsed for: " + String.join(", ", lapsed),
                List.of(TRAINING)));
        boolean checklist = f.managedCovered() > 0 && f.managedOverdue() == 0;
        c.add(new Criterion(
                SammQuestion.byId("IM2-A").criteria().get(4),
                checklist,
                f.managedChecklist() == 0
                        ? "The checklist has no managed entries (with owner and review date)."
                        : f.managedChecklist() + " managed checklist entries, " + f.managedCovered()
                                + " detected by active rules, " + f.managedOverdue() + " overdue for review.",
                List.of(CHECKLIST)));
        String explanation = !documented
                ? "No documented incident detection process."
                : covered + " of " + total + " applications are fully covered by the process (expected log sources"
                        + " configured and delivering, rules applying).";
        List<Evidence> ev = new ArrayList<>(pe);
        ev.add(APPLICATIONS);
        return result("IM2-A", covered, total, documented, explanation, ev, c);
    }

    static QuestionResult im3a(Facts f) {
        GovernedProcess p = f.detection();
        boolean reviewed = p != null
                && p.lastReviewedAt() != null
                && !p.lastReviewedAt().isBefore(f.asOf().minus(YEAR))
                && p.reviewIntervalDays() <= 365;
        Set<String> defective = new java.util.HashSet<>();
        f.openDefects().stream()
                .filter(d -> d.subjectKind().equals("application")
                        && d.dueDate().atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(f.asOf()))
                .forEach(d -> defective.add(d.subject()));
        long total = f.apps().size();
        long covered = f.apps().stream()
                .filter(a -> a.covered() && !defective.contains(a.name()))
                .count();
        List<Evidence> pe = p == null ? List.of() : List.of(process(p));
        List<Criterion> c = new ArrayList<>();
        c.add(new Criterion(
                SammQuestion.byId("IM3-A").criteria().get(0),
                reviewed,
                p == null
                        ? "There is no incident detection process."
                        : p.lastReviewedAt() == null
                                ? "The detection process was never reviewed."
                                : "Last review " + p.lastReviewedAt() + ", cadence " + p.reviewIntervalDays() + " days"
                                        + (reviewed ? "." : " (more than a year ago or cadence over a year)."),
                pe));
        boolean external = f.checklistSources().contains("external-advisory");
        boolean internal = f.checklistSources().contains("past-incident")
                || f.checklistSources().contains("exercise")
                || f.checklistSources().contains("threat-model");
        c.add(new Criterion(
                SammQuestion.byId("IM3-A").criteria().get(1),
                external && internal && f.managedOverdue() == 0,
                "Checklist entries from external data: " + (external ? "yes" : "no") + "; from internal data (past"
                        + " incidents, exercises, threat models): " + (internal ? "yes" : "no") + "; overdue reviews: "
                        + f.managedOverdue() + ".",
                List.of(CHECKLIST)));
        String explanation = !reviewed
                ? "The detection process has not been reviewed within the last year."
                : covered + " of " + total + " applications are covered by the reviewed process without an overdue"
                        + " missing-log defect.";
        List<Evidence> ev = new ArrayList<>(pe);
        ev.add(new Evidence("Missing-log defects", "/governance/checklist#defects"));
        return result("IM3-A", covered, total, reviewed, explanation, ev, c);
    }

    // ---------------------------------------------------------------- stream B

    static QuestionResult im1b(Facts f) {
        Facts.ResponseFacts r = f.responseFacts();
        boolean role = f.response() != null || f.raci().stream().anyMatch(x -> x.accountable() != null);
        List<Criterion> c = new ArrayList<>();
        c.add(criterion(
                "IM1-B",
                0,
                role,
                role
                        ? (f.response() != null
                                        ? "Response process owner: "
                                                + f.response().owner() + ". "
                                        : "") + f.raci().size() + " RACI assignment(s)."
                        : "No response process owner and no RACI assignment.",
                f.response() == null ? RACI : process(f.response()),
                RACI));
        c.add(criterion(
                "IM1-B",
                1,
                r.incidentsAvailable() && r.incidents() > 0,
                !r.incidentsAvailable()
                        ? "Incident records are not available in this installation."
                        : r.incidents() + " incident(s) documented in Vigil in the last year.",
                INCIDENTS));
        String explanation = !r.incidentsAvailable()
                ? "Incident records are not available in this installation."
                : r.incidents() == 0
                        ? "No incidents in the last year: nothing shows a response yet (an assessor may override)."
                        : r.responded() + " of " + r.incidents() + " incidents of the last year were acknowledged,"
                                + " contained or resolved.";
        return result("IM1-B", r.responded(), r.incidents(), true, explanation, List.of(INCIDENTS), c);
    }

    static QuestionResult im2b(Facts f) {
        Facts.ResponseFacts r = f.responseFacts();
        GovernedProcess p = f.response();
        boolean documented = p != null && p.documented();
        long total = r.incidentTypes().size();
        long covered = r.typesWithPlaybook().size();
        List<Criterion> c = new ArrayList<>();
        c.add(criterion(
                "IM2-B",
                0,
                r.incidentsAvailable() && (r.incidents() == 0 || r.classified() == r.incidents()),
                !r.incidentsAvailable()
                        ? "Incident records (and their taxonomy) are not available in this installation."
                        : "Incidents are classified with the organisation's taxonomy (RSIT by default); "
                                + r.classified() + " of " + r.incidents() + " classified.",
                INCIDENTS));
        c.add(criterion(
                "IM2-B",
                1,
                r.incidentsAvailable() && r.highWithRca() == r.highEnded(),
                !r.incidentsAvailable()
                        ? "Incident records are not available in this installation."
                        : r.highWithRca() + " of " + r.highEnded()
                                + " resolved or closed high/critical incidents of the last year have a completed or"
                                + " waived RCA." + refs(r.highWithoutRca()),
                incidents(r.highWithoutRca())));
        List<String> lapsed = new ArrayList<>();
        boolean trained = trained(f, p, f.asOf(), lapsed);
        c.add(criterion(
                "IM2-B",
                2,
                trained,
                trained
                        ? "Staff hold a valid training on the response process."
                        : lapsed.isEmpty()
                                ? "Nobody is trained on the response process."
                                : "Training lapsed for: " + String.join(", ", lapsed),
                TRAINING));
        c.add(criterion(
                "IM2-B",
                3,
                r.forensicTooling(),
                r.forensicTooling()
                        ? "The event store keeps events hash-chained for retro-hunts and evidence export."
                        : "No event store for retro-hunts and evidence export is available.",
                new Evidence("Events", "/events")));
        List<String> without = r.incidentTypes().stream()
                .filter(t -> !r.typesWithPlaybook().contains(t))
                .sorted()
                .toList();
        String explanation = !documented
                ? "No documented incident response process."
                : covered + " of " + total + " incident types in use (classifications of the last year's incidents"
                        + " and RACI types) have an active playbook"
                        + (total == 0
                                ? " (no incident types in use yet)."
                                : without.isEmpty() ? "." : "; without: " + String.join(", ", without) + ".");
        List<Evidence> ev = new ArrayList<>();
        if (p != null) {
            ev.add(process(p));
        }
        ev.add(PLAYBOOKS);
        ev.add(RACI);
        return result("IM2-B", covered, total, documented, explanation, ev, c);
    }

    static QuestionResult im3b(Facts f) {
        Facts.ResponseFacts r = f.responseFacts();
        GovernedProcess p = f.response();
        List<Criterion> c = new ArrayList<>();
        c.add(criterion(
                "IM3-B",
                0,
                r.incidentsAvailable() && r.closed() > 0 && r.closedWithRca() == r.closed(),
                !r.incidentsAvailable()
                        ? "Incident records are not available in this installation."
                        : r.closedWithRca() + " of " + r.closed()
                                + " closed incidents of the last year (false positives and benign ones need none)"
                                + " have a completed or waived RCA." + refs(r.closedWithoutRca()),
                incidents(r.closedWithoutRca())));
        boolean reviewed = p != null
                && p.lastReviewedAt() != null
                && !p.lastReviewedAt().isBefore(f.asOf().minus(YEAR));
        c.add(criterion(
                "IM3-B",
                1,
                reviewed,
                p == null
                        ? "There is no incident response process."
                        : p.lastReviewedAt() == null
                                ? "The response process was never reviewed."
                                : "Last review of the response process: " + p.lastReviewedAt() + ".",
                p == null ? RACI : process(p)));
        // SAMM's IM3-B activity: "Carry out incident and emergency exercises regularly. Use the results for process
        // improvement." — checked as a third criterion.
        List<Exercise> recent = f.exercises().stream()
                .filter(e -> !e.heldAt().isBefore(f.asOf().minus(YEAR))
                        && !e.heldAt().isAfter(f.asOf()))
                .toList();
        long overdue = recent.stream()
                .flatMap(e -> e.findings().stream())
                .filter(x -> x.open()
                        && x.dueDate().atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(f.asOf()))
                .count();
        c.add(new Criterion(
                "You carry out incident and emergency exercises regularly and use their results (SAMM IM3-B activity)",
                !recent.isEmpty() && overdue == 0,
                recent.isEmpty()
                        ? "No exercise in the last year."
                        : recent.size() + " exercise(s) in the last year; " + overdue + " follow-up(s) overdue.",
                List.of(EXERCISES)));
        String explanation;
        List<Evidence> ev = new ArrayList<>();
        ev.add(ONCALL);
        if (!r.onCallAvailable()) {
            explanation = "On-call schedules are not available in this installation.";
        } else if (r.schedules().isEmpty()) {
            explanation = "No on-call schedule: nobody is on call for incident response.";
        } else {
            long uncovered = r.periodMinutes() - r.onCallMinutes() - r.fallbackMinutes();
            explanation = "Over the last 30 days (on-call gap report): someone on call " + hours(r.onCallMinutes())
                    + " of " + hours(r.periodMinutes()) + " hours"
                    + (r.fallbackMinutes() > 0
                            ? ", gaps covered by a fallback contact " + hours(r.fallbackMinutes()) + " hours"
                            : "")
                    + ", nobody reachable " + hours(uncovered) + " hours"
                    + (uncovered == 0 ? " (available 24/7)." : ".");
            String from = r.onCallFrom().toString();
            String to = f.asOf().toString();
            for (Facts.ScheduleRef s : r.schedules().stream().limit(5).toList()) {
                ev.add(new Evidence(
                        "Gap report: " + s.name() + " (" + hours(s.gapMinutes()) + " h of gaps"
                                + (s.fallback() ? ", fallback set)" : ")"),
                        "/api/v1/oncall/schedules/" + s.id() + "/gaps?from=" + from + "&to=" + to));
            }
        }
        return result(
                "IM3-B",
                r.onCallMinutes() + r.fallbackMinutes(),
                r.periodMinutes(),
                !r.schedules().isEmpty(),
                explanation,
                ev,
                c);
    }
}
