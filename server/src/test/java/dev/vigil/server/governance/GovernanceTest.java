package dev.vigil.server.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@VigilServerTest
class GovernanceTest {
    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    GovernanceService governance;

    @Autowired
    AlertService alerts;

    @Autowired
    AuditLog audit;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private String user(String name, String role) {
        String username = name + "-" + suffix;
        users.create(
                new UserRequest(username, null, username + "@example.com", Set.of(role), true, "password-" + suffix));
        return username;
    }

    private TestApi as(String role) {
        return TestApi.admin(port)
                .withToken(tokens.issueApiToken(
                                "gov-" + role + "-" + suffix,
                                null,
                                Set.of(dev.vigil.server.platform.access.Role.parse(role)),
                                null)
                        .token());
    }

    @Test
    void aProcessHasAnOwnerVersionedDocumentationReviewsAndAHistory() {
        TestApi admin = TestApi.admin(port);
        String owner = user("owner", "analyst");
        String key = "detection-" + suffix;
        TestApi.Response created = admin.postJson(
                "/api/v1/governance/processes",
                "{\"key\":\"" + key + "\",\"title\":\"Incident detection\",\"kind\":\"detection\",\"owner\":\"" + owner
                        + "\",\"escalationPath\":\"on-call primary, then security lead\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode p = created.json();
        assertThat(p.get("reviewIntervalDays").asInt()).isEqualTo(365);
        assertThat(p.get("currentVersion").asInt()).isZero();
        Instant due = Instant.parse(p.get("nextReviewDue").asString());
        assertThat(due)
                .isBetween(
                        Instant.now().plus(Duration.ofDays(364)), Instant.now().plus(Duration.ofDays(366)));

        assertThat(admin.postJson(
                                "/api/v1/governance/processes/" + key + "/documents",
                                "{\"markdown\":\"# Detection\\n\\n1. Watch alerts\",\"summary\":\"first\"}")
                        .status())
                .isEqualTo(201);
        TestApi.Response v2 = admin.postJson(
                "/api/v1/governance/processes/" + key + "/documents",
                "{\"markdown\":\"# Detection\\n\\n1. Watch alerts\\n2. Escalate\",\"summary\":\"escalation\"}");
        assertThat(v2.json().get("version").asInt()).isEqualTo(2);

        // every role reads the documentation; a viewer cannot change it
        TestApi viewer = as("viewer");
        TestApi.Response doc = viewer.get("/api/v1/governance/processes/" + key + "/document.md");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body()).contains("2. Escalate");
        assertThat(viewer.get("/api/v1/governance/processes/" + key + "/documents/1")
                        .json()
                        .get("markdown")
                        .asString())
                .doesNotContain("Escalate");
        assertThat(viewer.postJson("/api/v1/governance/processes/" + key + "/documents", "{\"markdown\":\"x\"}")
                        .status())
                .isEqualTo(403);

        Instant reviewedAt =
                Instant.now().minus(Duration.ofDays(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TestApi.Response review = admin.postJson(
                "/api/v1/governance/processes/" + key + "/reviews",
                "{\"reviewedAt\":\"" + reviewedAt + "\",\"notes\":\"checked against last incidents\"}");
        assertThat(review.status()).as(review.body()).isEqualTo(201);
        JsonNode after = admin.get("/api/v1/governance/processes/" + key).json();
        assertThat(Instant.parse(after.get("nextReviewDue").asString()))
                .isEqualTo(reviewedAt.plus(Duration.ofDays(365)));

        assertThat(admin.putJson("/api/v1/governance/processes/" + key, "{\"reviewIntervalDays\":180}")
                        .status())
                .isEqualTo(200);
        JsonNode history =
                admin.get("/api/v1/governance/processes/" + key + "/history").json();
        List<String> types = new ArrayList<>();
        history.get("changes").forEach(c -> types.add(c.get("type").asString()));
        assertThat(types).contains("created", "updated", "review", "document");
        assertThat(history.toString()).contains("reviewIntervalDays: 365 → 180");

        List<String> actions = new ArrayList<>();
        audit.forEach(new AuditQuery(null, null, "process", key, null, null, null), e -> actions.add(e.action()));
        assertThat(actions).contains("created", "document-published", "reviewed", "updated");
    }

    @Test
    void invalidProcessesAreRefusedWithAReason() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response noOwner = admin.postJson(
                "/api/v1/governance/processes",
                "{\"key\":\"p-" + suffix + "\",\"title\":\"t\",\"owner\":\"nobody-x\"}");
        assertThat(noOwner.status()).isEqualTo(400);
        assertThat(noOwner.body()).contains("no user 'nobody-x'");
        assertThat(admin.postJson(
                                "/api/v1/governance/processes",
                                "{\"key\":\"Bad Key!\",\"title\":\"t\",\"owner\":\"admin\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.postJson(
                                "/api/v1/governance/processes",
                                "{\"key\":\"k-" + suffix
                                        + "\",\"title\":\"t\",\"owner\":\"admin\",\"reviewIntervalDays\":0}")
                        .status())
                .isEqualTo(400);
        String big = "x".repeat(300 * 1024);
        String key = "big-" + suffix;
        admin.postJson("/api/v1/governance/processes", "{\"key\":\"" + key + "\",\"title\":\"t\",\"owner\":\"admin\"}");
        assertThat(admin.postJson(
                                "/api/v1/governance/processes/" + key + "/documents", "{\"markdown\":\"" + big + "\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.postJson(
                                "/api/v1/governance/processes",
                                "{\"key\":\"" + key + "\",\"title\":\"t\",\"owner\":\"admin\"}")
                        .status())
                .isEqualTo(409);
        assertThat(admin.get("/api/v1/governance/processes/none-" + suffix).status())
                .isEqualTo(404);
    }

    @Test
    void raciNamesExistingUsersAndTeams() {
        TestApi admin = TestApi.admin(port);
        String lead = user("lead", "responder");
        String team = "soc-" + suffix;
        users.createTeam(team, "SOC");
        String type = "intrusions-" + suffix;
        TestApi.Response put = admin.putJson(
                "/api/v1/governance/raci",
                "{\"incidentType\":\"" + type + "\",\"activity\":\"containment\",\"responsible\":[\"" + team
                        + "\"],\"accountable\":\"" + lead + "\",\"consulted\":[\"admin\"],\"informed\":[]}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        TestApi.Response unknown = admin.putJson(
                "/api/v1/governance/raci",
                "{\"incidentType\":\"" + type + "\",\"activity\":\"triage\",\"responsible\":[\"ghost\"],"
                        + "\"accountable\":\"" + lead + "\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("no user or team 'ghost'");
        assertThat(admin.get("/api/v1/governance/raci").body()).contains(type, team, lead);
        assertThat(admin.delete("/api/v1/governance/raci/" + type + "/containment")
                        .status())
                .isEqualTo(204);
    }

    @Test
    void aManualReportRaisesAnAlertAndAnyUserMayFileOne() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response cp = admin.postJson(
                "/api/v1/governance/contact-points",
                "{\"name\":\"security mailbox " + suffix + "\",\"kind\":\"email\",\"value\":\"security@example.com\"}");
        assertThat(cp.status()).as(cp.body()).isEqualTo(201);
        assertThat(admin.postJson(
                                "/api/v1/governance/contact-points",
                                "{\"name\":\"bad " + suffix + "\",\"kind\":\"url\",\"value\":\"javascript:alert(1)\"}")
                        .status())
                .isEqualTo(400);

        TestApi viewer = as("viewer");
        assertThat(viewer.get("/api/v1/governance/contact-points").body()).contains("security@example.com");
        TestApi.Response report = viewer.postJson(
                "/api/v1/governance/reports",
                "{\"title\":\"Phishing mail " + suffix
                        + "\",\"description\":\"<script>x</script> asked for my password\","
                        + "\"severity\":\"high\"}");
        assertThat(report.status()).as(report.body()).isEqualTo(201);
        UUID alertId = UUID.fromString(report.json().get("alertId").asString());
        var alert = alerts.get(alertId).orElseThrow();
        assertThat(alert.ruleId()).isEqualTo(IncidentReport.RULE_ID);
        assertThat(alert.level().id()).isEqualTo("high");
        assertThat(alert.source()).isEqualTo(IncidentReport.SOURCE);
        assertThat(alert.entities().get("reporter")).startsWith("gov-viewer-");
        assertThat(viewer.get("/api/v1/governance/reports").status()).isEqualTo(200);
        assertThat(admin.postJson("/api/v1/governance/reports", "{\"title\":\"\",\"description\":\"x\"}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void trainingExpiresAndRemindersAreSentOncePerDueDate() {
        String trainee = user("trainee", "responder");
        String key = "response-" + suffix;
        governance.createProcess(new ProcessRequest(key, "Incident response", "response", "admin", null, 30));
        Instant completed =
                Instant.now().minus(Duration.ofDays(350)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TrainingRecord t = governance.recordTraining(
                new TrainingRequest(trainee, key, "IR basics", completed, null, null, "attendance list 2026-01"));
        assertThat(t.expiresAt()).isEqualTo(completed.plus(Duration.ofDays(365)));
        assertThat(t.validAt(Instant.now())).isTrue();
        assertThat(t.validAt(Instant.now().plus(Duration.ofDays(20)))).isFalse();

        Exercise ex = governance.recordExercise(new ExerciseRequest(
                "Ransomware tabletop " + suffix,
                "tabletop",
                key,
                "Encrypted file server on Friday night",
                Instant.now().minus(Duration.ofDays(3)),
                List.of(trainee, "admin"),
                "Paging worked; legal contact missing"));
        ex = governance.addFinding(
                ex.id(),
                new FindingRequest(
                        "Legal not reachable",
                        "Add legal to RACI",
                        trainee,
                        LocalDate.now().minusDays(1)));
        UUID findingId = ex.findings().getFirst().id();

        Instant now = Instant.now();
        List<GovernanceReminder> first = governance.sendDueReminders(now);
        assertThat(first)
                .extracting(GovernanceReminder::subject)
                .contains(key, t.id().toString(), findingId.toString());
        assertThat(governance.sendDueReminders(now.plus(Duration.ofHours(1))))
                .extracting(GovernanceReminder::subject)
                .doesNotContain(key, t.id().toString(), findingId.toString());

        Exercise closed = governance.closeFinding(findingId, "legal added as consulted");
        assertThat(closed.findings().getFirst().open()).isFalse();
        TestApi admin = TestApi.admin(port);
        assertThat(admin.postJson("/api/v1/governance/findings/" + findingId + "/close", "{\"resolution\":\"again\"}")
                        .status())
                .isEqualTo(409);
        assertThat(admin.get("/api/v1/governance/training?process=" + key).body())
                .contains("IR basics");
        assertThat(admin.postJson(
                                "/api/v1/governance/exercises",
                                "{\"title\":\"future\",\"kind\":\"tabletop\",\"scenario\":\"s\",\"heldAt\":\""
                                        + Instant.now().plus(Duration.ofDays(2)) + "\"}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void governanceAndSammFiguresAreExportedToPrometheusAndTheApiIsDescribed() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response scrape = admin.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body())
                .containsPattern("vigil_samm_score\\{[^}]*stream=\"practice\"")
                .containsPattern("vigil_samm_answer\\{[^}]*question=\"IM2-A\"")
                .contains("vigil_governance_log_defects_open");
        TestApi.Response docs = admin.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body())
                .contains("/api/v1/governance/checklist/navigator-layer", "/api/v1/assessment/export.pdf");
    }

    @Test
    void governanceIsEditedThroughServerRenderedFormsByWritersOnly() {
        String editor = user("editor", "admin");
        String analyst = user("reader", "analyst");
        TestSession admin = TestSession.signedIn(port, editor, "password-" + suffix);
        String key = "forms-" + suffix;
        String hostile = "<script>alert('t')</script> Response " + suffix;

        // the forms are there for a writer
        assertThat(admin.get("/governance").body())
                .contains("id=\"new-process\"")
                .contains("id=\"new-raci\"");
        TestApi.Response created = admin.postForm(
                "/governance/processes",
                "key=" + key + "&title=" + TestSession.enc(hostile) + "&kind=response&owner=" + editor
                        + "&escalationPath=" + TestSession.enc("on-call, then CISO") + "&reviewIntervalDays=365");
        assertThat(created.status()).isEqualTo(302);
        assertThat(governance.process(key))
                .get()
                .extracting(GovernedProcess::title)
                .isEqualTo(hostile);
        String overview = admin.get("/governance").body();
        assertThat(overview).doesNotContain("<script>alert('t')</script>").contains("&lt;script&gt;");

        assertThat(admin.postForm(
                                "/governance/processes/" + key + "/document",
                                "markdown=" + TestSession.enc("# Runbook\n\n1. Contain") + "&summary=first")
                        .status())
                .isEqualTo(302);
        assertThat(admin.postForm("/governance/processes/" + key + "/review", "reviewedOn=&notes=fine")
                        .status())
                .isEqualTo(302);
        GovernedProcess p = governance.process(key).orElseThrow();
        assertThat(p.currentVersion()).isEqualTo(1);
        assertThat(p.lastReviewedAt()).isNotNull();
        assertThat(admin.get("/governance/processes/" + key).body()).contains("id=\"publish\"");

        admin.postForm(
                "/governance/raci",
                "incidentType=forms" + suffix + "&activity=triage&responsible=" + editor + "," + analyst
                        + "&accountable=" + editor + "&consulted=&informed=" + analyst);
        assertThat(governance.raci())
                .anyMatch(r -> r.incidentType().equals("forms" + suffix)
                        && r.responsible().equals(List.of(editor, analyst)));
        admin.postForm(
                "/governance/contact-points",
                "name=Hotline+" + suffix + "&kind=phone&value=%2B41+44+000+00+00&singlePoint=true");
        assertThat(governance.contactPoints()).anyMatch(c -> c.name().equals("Hotline " + suffix) && c.singlePoint());
        admin.postForm(
                "/governance/training",
                "person=" + editor + "&processKey=" + key + "&course=IR+201&completedOn=2026-11-01&validForDays=365");
        assertThat(governance.training(key))
                .singleElement()
                .extracting(TrainingRecord::course)
                .isEqualTo("IR 201");
        admin.postForm(
                "/governance/exercises",
                "title=Tabletop+" + suffix + "&kind=tabletop&processKey=" + key
                        + "&scenario=Ransomware+on+Friday&heldOn=2026-11-10&participants="
                        + editor + "," + analyst);
        Exercise ex = governance.exercises().stream()
                .filter(e -> e.title().equals("Tabletop " + suffix))
                .findFirst()
                .orElseThrow();
        admin.postForm(
                "/governance/exercises/" + ex.id() + "/findings",
                "finding=Nobody+knew+the+bridge&action=Publish+it&owner=" + editor + "&dueDate=2026-12-15");
        Exercise.Finding f =
                governance.exercise(ex.id()).orElseThrow().findings().getFirst();
        admin.postForm("/governance/findings/" + f.id() + "/close", "resolution=published");
        assertThat(governance
                        .exercise(ex.id())
                        .orElseThrow()
                        .findings()
                        .getFirst()
                        .open())
                .isFalse();

        // invalid input: a notice, nothing saved
        TestApi.Response bad =
                admin.postForm("/governance/exercises", "title=x&kind=nonsense&scenario=s&heldOn=2026-11-10");
        assertThat(bad.status()).isEqualTo(302);
        assertThat(governance.exercises())
                .noneMatch(e -> e.title().equals("x") && e.kind().equals("nonsense"));

        // without the CSRF token, and for a reader, nothing changes
        TestApi.Response noCsrf = admin.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/governance/raci"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "incidentType=nocsrf&activity=triage&accountable=x")));
        assertThat(noCsrf.status()).isEqualTo(403);
        TestSession reader = TestSession.signedIn(port, analyst, "password-" + suffix);
        assertThat(reader.get("/governance").body()).doesNotContain("id=\"new-process\"");
        assertThat(reader.postForm("/governance/raci", "incidentType=reader&activity=triage&accountable=x")
                        .status())
                .isEqualTo(403);
        assertThat(governance.raci())
                .noneMatch(r ->
                        r.incidentType().equals("reader") || r.incidentType().equals("nocsrf"));

        // audited
        List<String> actions = new ArrayList<>();
        audit.forEach(new AuditQuery(null, null, "process", key, null, null, null), e -> actions.add(e.action()));
        assertThat(actions).contains("created", "document-published", "reviewed");
    }
}
