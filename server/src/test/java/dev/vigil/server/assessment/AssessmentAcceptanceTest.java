package dev.vigil.server.assessment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.governance.ChecklistEntryRequest;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.ExerciseRequest;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.governance.RaciRequest;
import dev.vigil.server.governance.TrainingRequest;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Acceptance of issue 10: an organisation is built step by step on a database of its own (a separate context: the
 * assessment counts everything in the installation) and the computed SAMM answers and score are asserted at each
 * step: no processes, owner and documentation, training, checklist, playbooks (incident types from the RACI and the
 * incidents, playbooks from the incidents module), a 24/7 on-call schedule (the on-call gap report), incidents with
 * root-cause analyses, the annual review and exercises. Every fact is built through the real services and APIs.
 */
@VigilServerTest
@TestPropertySource(properties = "vigil.governance.assessment-test-context=true")
class AssessmentAcceptanceTest {
    @LocalServerPort
    int port;

    @Autowired
    AssessmentService assessments;

    @Autowired
    GovernanceService governance;

    @Autowired
    DetectionChecklist checklist;

    @Autowired
    UserService users;

    @Autowired
    IncidentService incidents;

    @Autowired
    RcaService rcas;

    @Autowired
    PlaybookService playbooks;

    @Autowired
    IncidentMetrics metrics;

    private static void answers(Assessment a, int im1a, int im2a, int im3a, int im1b, int im2b, int im3b) {
        assertThat(List.of(
                        a.question("IM1-A").answer(),
                        a.question("IM2-A").answer(),
                        a.question("IM3-A").answer(),
                        a.question("IM1-B").answer(),
                        a.question("IM2-B").answer(),
                        a.question("IM3-B").answer()))
                .as("answers IM1-A .. IM3-B")
                .containsExactly(im1a, im2a, im3a, im1b, im2b, im3b);
    }

    private static boolean met(Assessment a, String question, String criterionStart) {
        return a.question(question).criteria().stream()
                .filter(c -> c.text().startsWith(criterionStart))
                .findFirst()
                .orElseThrow()
                .met();
    }

    @Test
    void anOrganisationBuiltStepByStepIsAssessedFromItsData() {
        Instant testStart = Instant.now();
        TestApi api = TestApi.admin(port);

        // step 0: nothing but Vigil's starter rules
        Assessment a = assessments.compute(Instant.now());
        answers(a, 0, 0, 0, 0, 0, 0);
        assertThat(a.score()).isZero();
        assertThat(a.question("IM2-A").explanation()).contains("No documented incident detection process");
        assertThat(api.postJson("/api/v1/assessment/snapshots", "").status()).isEqualTo(201);

        // step 1: an application whose logs arrive and are evaluated, a contact point, processes with owner and docs
        UUID dana = users.create(new UserRequest(
                        "dana", "Dana Detect", "dana@example.com", Set.of("analyst"), true, "dana-password-123"))
                .id();
        UUID rick = users.create(new UserRequest(
                        "rick", "Rick Respond", "rick@example.com", Set.of("responder"), true, "rick-password-123"))
                .id();
        assertThat(api.postJson(
                                "/api/v1/sources",
                                "{\"name\":\"shop-web\",\"intake\":\"http\",\"parser\":\"json\","
                                        + "\"logsource\":{\"category\":\"webserver\"},\"application\":\"shop\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.postJson(
                                "/api/v1/applications",
                                "{\"name\":\"shop\",\"owner\":\"shop@example.com\",\"criticality\":\"critical\","
                                        + "\"expectedSources\":[\"shop-web\"]}")
                        .status())
                .isEqualTo(201);
        assertThat(api.post(
                                "/api/v1/ingest/shop-web",
                                "application/x-ndjson",
                                "{\"c-ip\":\"192.0.2.1\",\"cs-uri-stem\":\"/\",\"sc-status\":200}\n")
                        .status())
                .isEqualTo(200);
        governance.createContactPoint(new dev.vigil.server.governance.ContactPointRequest(
                "Security mailbox", "email", "security@example.com", "24/7 monitored", true));
        governance.createProcess(new ProcessRequest(
                "incident-detection", "Incident detection", "detection", "dana", "on-call primary, then CISO", null));
        governance.publishDocument("incident-detection", "# Incident detection\n\n1. Triage alerts\n", "first");
        governance.createProcess(
                new ProcessRequest("incident-response", "Incident response", "response", "rick", null, null));
        governance.publishDocument("incident-response", "# Incident response\n\nNIST 800-61 phases\n", "first");

        a = assessments.compute(Instant.now());
        answers(a, 3, 1, 0, 0, 0, 0);
        assertThat(a.question("IM1-A").covered()).isEqualTo(1);
        assertThat(a.question("IM2-A").coverageAnswer()).isEqualTo(3);
        assertThat(met(a, "IM2-A", "The process has a dedicated owner")).isTrue();
        assertThat(met(a, "IM2-A", "You store process documentation")).isTrue();
        assertThat(met(a, "IM2-A", "The process considers an escalation path")).isTrue();
        assertThat(met(a, "IM2-A", "You train employees")).isFalse();
        assertThat(a.question("IM2-A").explanation()).contains("Capped");
        assertThat(a.question("IM1-B").criteria().getFirst().met()).isTrue();
        assertThat(a.streamA()).isEqualTo(1.25);
        assertThat(a.score()).isEqualTo(0.625);

        // step 2: training
        governance.recordTraining(
                new TrainingRequest("dana", "incident-detection", "Detection 101", null, null, 365, null));
        governance.recordTraining(new TrainingRequest("rick", "incident-response", "IR 101", null, null, 365, null));
        a = assessments.compute(Instant.now());
        answers(a, 3, 1, 0, 0, 0, 0);
        assertThat(met(a, "IM2-A", "You train employees")).isTrue();
        assertThat(met(a, "IM2-B", "Employees responsible for incident response are trained"))
                .isTrue();
        assertThat(met(a, "IM2-A", "You have a checklist")).isFalse();

        // step 3: the checklist gets a managed entry that active rules detect
        checklist.createEntry(new ChecklistEntryRequest(
                "T1110",
                "credential-access",
                "Password guessing",
                null,
                "threat-model",
                null,
                "dana",
                null,
                List.of()));
        a = assessments.compute(Instant.now());
        answers(a, 3, 3, 0, 0, 0, 0);
        assertThat(a.streamA()).isEqualTo(2.0);
        assertThat(a.score()).isEqualTo(1.0);

        // step 4: playbooks. Incident types in use come from the RACI (and, later, from incidents): "intrusions" has
        // starter playbooks, "vulnerable" has none until the organisation writes one.
        assertThat(a.question("IM2-B").explanation()).contains("0 of 0 incident types");
        assertThat(met(a, "IM2-B", "Forensic analysis tooling")).isTrue(); // the event store is installed
        assertThat(met(a, "IM2-B", "You have an agreed upon incident classification"))
                .isTrue();
        governance.putRaci(new RaciRequest("intrusions", "containment", List.of("rick"), "rick", List.of(), List.of()));
        governance.putRaci(
                new RaciRequest("vulnerable", "triage", List.of("dana"), "rick", List.of("dana"), List.of()));
        a = assessments.compute(Instant.now());
        answers(a, 3, 3, 0, 0, 2, 0);
        assertThat(a.question("IM2-B").explanation())
                .contains("1 of 2 incident types")
                .contains("without: vulnerable");
        playbooks.save("""
                key: vulnerable-system
                name: Vulnerable system
                scenario: A system is reported vulnerable (scanner, advisory or researcher).
                applies-when:
                  classifications: [vulnerable/vulnerable-system, vulnerable/weak-crypto]
                tasks:
                  - title: Confirm the finding
                    owner: analyst
                    due: 4h
                    mandatory: true
                    phase: detection-analysis
                    instructions: Reproduce the finding and record the affected versions.
                """);
        a = assessments.compute(Instant.now());
        answers(a, 3, 3, 0, 0, 3, 0);
        assertThat(a.question("IM2-B").explanation()).contains("2 of 2 incident types");
        assertThat(a.question("IM2-B").evidence()).anyMatch(e -> e.href().equals("/incidents/settings#playbooks"));

        // step 5: a 24/7 on-call schedule, built in three moves through the on-call API
        assertThat(a.question("IM3-B").explanation()).contains("No on-call schedule");
        LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC)
                .minusDays(40)
                .truncatedTo(ChronoUnit.DAYS)
                .withHour(9);
        // schedules name on-call people (users with contact details), so Dana and Rick are registered first
        for (var p : java.util.Map.of(dana, "Dana Detect", rick, "Rick Respond").entrySet()) {
            assertThat(api.postJson(
                                    "/api/v1/oncall/people",
                                    "{\"userId\":\"" + p.getKey() + "\",\"name\":\"" + p.getValue()
                                            + "\",\"email\":null,\"timeZone\":\"UTC\"}")
                            .status())
                    .isEqualTo(201);
        }
        String office = "{\"name\":\"office\",\"priority\":1,\"rotation\":{\"type\":\"weekly\"},\"start\":\""
                + start + "\",\"participants\":[\"" + dana + "\",\"" + rick + "\"],"
                + "\"restrictions\":[{\"from\":\"09:00\",\"to\":\"17:00\"}]}";
        TestApi.Response created = api.postJson(
                "/api/v1/oncall/schedules", "{\"name\":\"IR team\",\"timeZone\":\"UTC\",\"layers\":[" + office + "]}");
        assertThat(created.status()).isEqualTo(201);
        String schedule = created.json().get("id").asString();
        // office hours only: 8 of 24 hours
        a = assessments.compute(Instant.now());
        assertThat(a.question("IM3-B").coverageAnswer()).isEqualTo(1);
        assertThat(a.question("IM3-B").explanation()).contains("nobody reachable");
        assertThat(a.question("IM3-B").evidence())
                .anyMatch(e -> e.href().startsWith("/api/v1/oncall/schedules/" + schedule + "/gaps?from="));
        // the gaps reach a fallback contact
        assertThat(api.putJson(
                                "/api/v1/oncall/schedules/" + schedule,
                                "{\"name\":\"IR team\",\"timeZone\":\"UTC\",\"fallbackUserId\":\"" + rick
                                        + "\",\"layers\":[" + office + "]}")
                        .status())
                .isEqualTo(200);
        a = assessments.compute(Instant.now());
        assertThat(a.question("IM3-B").coverageAnswer()).isEqualTo(3);
        assertThat(a.question("IM3-B").explanation()).contains("covered by a fallback contact");
        // a 24/7 rotation under the office layer: nobody needs the fallback
        String around = "{\"name\":\"24/7\",\"priority\":0,\"rotation\":{\"type\":\"daily\"},\"start\":\"" + start
                + "\",\"participants\":[\"" + rick + "\",\"" + dana + "\"]}";
        assertThat(api.putJson(
                                "/api/v1/oncall/schedules/" + schedule,
                                "{\"name\":\"IR team\",\"timeZone\":\"UTC\",\"layers\":[" + office + "," + around
                                        + "]}")
                        .status())
                .isEqualTo(200);
        a = assessments.compute(Instant.now());
        assertThat(a.question("IM3-B").explanation()).contains("(available 24/7)");
        assertThat(a.question("IM3-B").covered())
                .isEqualTo(a.question("IM3-B").total())
                .isEqualTo(30 * 24 * 60);
        assertThat(a.question("IM3-B").coverageAnswer()).isEqualTo(3);
        // capped: no closed incident with an RCA yet, no review, no exercise
        answers(a, 3, 3, 0, 0, 3, 1);

        // step 6: incidents with root-cause analyses
        Incident breach = incidents.create(new NewIncident(
                "Shop admin compromised",
                "Web shell on the shop",
                IncidentSeverity.HIGH,
                null,
                new Classification("intrusions", "application-compromise"),
                "ir",
                "rick",
                List.of("shop"),
                List.of(),
                null,
                null,
                null,
                null));
        Incident scan = incidents.create(new NewIncident(
                "Phishing report",
                "Turned out to be the newsletter",
                IncidentSeverity.LOW,
                null,
                new Classification("fraud", "phishing"),
                "ir",
                "dana",
                List.of(),
                List.of(),
                null,
                null,
                null,
                null));
        a = assessments.compute(Instant.now());
        // two incidents documented, nobody responded yet
        answers(a, 3, 3, 0, 0, 3, 1);
        assertThat(met(a, "IM1-B", "You document security incidents")).isTrue();
        incidents.transition(breach.id(), IncidentStatus.ACKNOWLEDGED, null);
        incidents.transition(breach.id(), IncidentStatus.RESOLVED, "web shell removed, credentials rotated");
        incidents.transition(scan.id(), IncidentStatus.RESOLVED, "newsletter");
        incidents.update(scan.id(), outcome(Outcome.FALSE_POSITIVE));
        incidents.transition(scan.id(), IncidentStatus.CLOSED, "false positive");
        a = assessments.compute(Instant.now());
        // every incident responded to; the high one resolved without RCA caps IM2-B
        answers(a, 3, 3, 0, 3, 1, 1);
        assertThat(a.question("IM2-B").explanation()).contains("4 of 4 incident types");
        assertThat(met(a, "IM2-B", "The process considers Root Case Analysis")).isFalse();
        assertThat(a.question("IM2-B").criteria().get(1).evidence())
                .anyMatch(e -> e.href().equals("/incidents/" + breach.reference()));
        rcas.save(
                breach.id(),
                new RcaService.Draft(
                        "An unpatched plugin let an attacker upload a web shell.",
                        List.of(new Rca.Cause("process", "Plugins were not in the patch process")),
                        List.of("No file-integrity monitoring on the web root"),
                        List.of(new Rca.CorrectiveAction(
                                "Add plugins to the patch process",
                                "shop-team",
                                LocalDate.now().plusDays(30),
                                "open")),
                        "Detection worked within minutes; patching did not."));
        rcas.complete(breach.id());
        incidents.update(breach.id(), outcome(Outcome.TRUE_POSITIVE_WITH_IMPACT));
        incidents.transition(breach.id(), IncidentStatus.CLOSED, "RCA done");
        a = assessments.compute(Instant.now());
        answers(a, 3, 3, 0, 3, 3, 1);
        assertThat(met(a, "IM2-B", "The process considers Root Case Analysis")).isTrue();
        assertThat(met(a, "IM3-B", "The team performs Root Cause Analysis")).isTrue();
        assertThat(a.streamB()).isEqualTo(2.25);
        assertThat(a.score()).isEqualTo(2.125);

        // the same incidents in the IM3-B metrics (this database holds only them): exact figures from their records
        Incident b = incidents.get(breach.id()).orElseThrow();
        Incident s2 = incidents.get(scan.id()).orElseThrow();
        MetricsReport m = metrics.report(testStart, Instant.now().plusSeconds(1));
        assertThat(m.overall().incidents()).isEqualTo(2);
        assertThat(m.overall().mtta().count()).isEqualTo(2); // resolving straight from new acknowledges too
        assertThat(m.overall().mtta().meanSeconds())
                .isEqualTo((Duration.between(b.detectedAt(), b.acknowledgedAt()).toMillis()
                                + Duration.between(s2.detectedAt(), s2.acknowledgedAt())
                                        .toMillis())
                        / 2.0
                        / 1000.0);
        assertThat(m.overall().mttr().count()).isEqualTo(2);
        assertThat(m.overall().mttr().meanSeconds())
                .isEqualTo((Duration.between(b.detectedAt(), b.resolvedAt()).toMillis()
                                + Duration.between(s2.detectedAt(), s2.resolvedAt())
                                        .toMillis())
                        / 2.0
                        / 1000.0);
        assertThat(m.overall().rcaRequired()).isEqualTo(1);
        assertThat(m.overall().rcaCompletion()).isEqualTo(1.0);
        assertThat(m.groups().get("severity"))
                .extracting(MetricsReport.Group::key)
                .containsExactly("high", "low");
        assertThat(m.groups().get("team"))
                .singleElement()
                .extracting(MetricsReport.Group::key)
                .isEqualTo("ir");
        assertThat(m.groups().get("classification"))
                .extracting(MetricsReport.Group::key)
                .containsExactly("fraud/phishing", "intrusions/application-compromise");
        TestApi.Response metricsJson = api.get("/api/v1/metrics/incidents?from=" + testStart);
        assertThat(metricsJson.status()).isEqualTo(200);
        assertThat(metricsJson.json().get("overall").get("incidents").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/metrics/incidents?from=2020-01-01T00:00:00Z")
                        .status())
                .isEqualTo(400);
        TestApi.Response page = api.get("/metrics");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .contains("id=\"overall-incidents\">2<")
                .contains("<svg")
                .contains("intrusions/application-compromise");
        String prometheus = api.get("/actuator/prometheus").body();
        assertThat(prometheus).contains("vigil_incidents_mttr_seconds{").contains("severity=\"high\"");

        // step 7: the annual review, and the checklist updated with external data
        governance.recordReview("incident-detection", Instant.now().minus(Duration.ofDays(3)), "yearly review");
        governance.recordReview("incident-response", Instant.now().minus(Duration.ofDays(3)), "yearly review");
        a = assessments.compute(Instant.now());
        assertThat(met(a, "IM3-A", "You perform reviews at least annually")).isTrue();
        assertThat(met(a, "IM3-A", "You update the checklist")).isFalse();
        answers(a, 3, 3, 1, 3, 3, 1);
        checklist.createEntry(new ChecklistEntryRequest(
                "T1190",
                "initial-access",
                "Exploits against the shop",
                null,
                "external-advisory",
                "vendor advisory",
                "dana",
                null,
                List.of()));
        a = assessments.compute(Instant.now());
        answers(a, 3, 3, 3, 3, 3, 1);
        assertThat(a.streamA()).isEqualTo(3.0);
        assertThat(met(a, "IM3-B", "You review and update the response process"))
                .isTrue();

        // a year later without another review, the detection process falls back
        Assessment later = assessments.compute(Instant.now().plus(Duration.ofDays(400)));
        assertThat(later.question("IM3-A").answer()).isZero();

        // step 8: exercises
        assertThat(met(a, "IM3-B", "You carry out incident and emergency exercises"))
                .isFalse();
        governance.recordExercise(new ExerciseRequest(
                "Ransomware tabletop",
                "tabletop",
                "incident-response",
                "File server encrypted on a Friday night",
                Instant.now().minus(Duration.ofDays(1)),
                List.of("rick", "dana"),
                "went well"));
        a = assessments.compute(Instant.now());
        assertThat(met(a, "IM3-B", "You carry out incident and emergency exercises"))
                .isTrue();
        answers(a, 3, 3, 3, 3, 3, 3);
        assertThat(a.score()).isEqualTo(3.0);

        // an assessor overrides IM1-B with a justification; the override is kept and shown
        assertThat(api.putJson("/api/v1/assessment/overrides/IM1-B", "{\"answer\":1}")
                        .status())
                .isEqualTo(400);
        assertThat(api.putJson(
                                "/api/v1/assessment/overrides/IM1-B",
                                "{\"answer\":1,\"justification\":\"most incidents live in the old ticket system\"}")
                        .status())
                .isEqualTo(200);
        a = assessments.compute(Instant.now());
        assertThat(a.question("IM1-B").answer()).isEqualTo(1);
        assertThat(a.question("IM1-B").computedAnswer()).isEqualTo(3);
        assertThat(a.question("IM1-B").override().justification()).contains("old ticket system");
        assertThat(a.streamB()).isEqualTo(2.25);
        assertThat(a.score()).isEqualTo(2.625);

        // history shows progress; exports
        TestApi.Response snap = api.postJson("/api/v1/assessment/snapshots", "");
        assertThat(snap.status()).isEqualTo(201);
        assertThat(snap.json().get("score").asDouble()).isEqualTo(2.625);
        var history = api.get("/api/v1/assessment/snapshots").json();
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.get(0).get("score").asDouble()).isEqualTo(2.625);
        assertThat(history.get(1).get("score").asDouble()).isZero();
        String id = snap.json().get("id").asString();
        TestApi.Response md = api.get("/api/v1/assessment/export.md?snapshot=" + id);
        assertThat(md.status()).isEqualTo(200);
        assertThat(md.body()).contains("## IM2-A: Do you follow a documented process for incident detection?");
        assertThat(md.body()).contains("old ticket system");
        TestApi.Response pdf = api.get("/api/v1/assessment/export.pdf");
        assertThat(pdf.status()).isEqualTo(200);
        assertThat(pdf.raw().body().getBytes(StandardCharsets.ISO_8859_1).length)
                .isGreaterThan(1000);
        assertThat(pdf.body()).startsWith("%PDF-");
        TestApi.Response json = api.get("/api/v1/assessment/export.json");
        assertThat(json.json().get("questions").size()).isEqualTo(6);
        assertThat(api.delete("/api/v1/assessment/overrides/IM1-B").status()).isEqualTo(204);
        assertThat(assessments.compute(Instant.now()).question("IM1-B").answer())
                .isEqualTo(3);
    }

    private static IncidentUpdate outcome(Outcome o) {
        return new IncidentUpdate(
                null, null, null, null, null, o, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
