package dev.vigil.server.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.assessment.Assessment;
import dev.vigil.server.assessment.AssessmentService;
import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Replay exercises (issue 10) end to end on the real server: real PostgreSQL, the real intake pipeline, event store,
 * detection (starter rules and correlations), alerting and triage into incidents.
 */
@VigilServerTest
class ReplayExerciseTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IncidentMetrics metrics;

    @Autowired
    AssessmentService assessments;

    @Autowired
    AuditLog audit;

    @Autowired
    UserService users;

    @Autowired
    GovernanceService governance;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    DetectionChecklist checklist;

    @Autowired
    dev.vigil.server.incidents.IncidentService incidents;

    @Autowired
    dev.vigil.server.oncall.PagingService paging;

    @Autowired
    dev.vigil.server.oncall.OnCallStatistics onCallStatistics;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private String exercise(TestApi api, String title) {
        TestApi.Response r = api.postJson(
                "/api/v1/governance/exercises",
                "{\"title\":\"" + title + " " + suffix + "\",\"kind\":\"replay\",\"scenario\":\"Replay of an attack\","
                        + "\"heldAt\":\"" + Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS) + "\","
                        + "\"participants\":[\"admin\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private JsonNode awaitDone(TestApi api, String replayId) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonNode r = null;
        while (Instant.now().isBefore(deadline)) {
            r = api.get("/api/v1/governance/replays/" + replayId).json();
            String status = r.get("status").asString();
            if (!status.equals("running") && !status.equals("settling")) {
                return r;
            }
            pause();
        }
        throw new AssertionError("replay did not finish: " + r);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String status(JsonNode replay, String detection) {
        for (JsonNode c : replay.get("comparison")) {
            if (c.get("detection").asString().equals(detection)) {
                return c.get("status").asString();
            }
        }
        return null;
    }

    private long incidentsOfExercise(String exercise) {
        return jdbc.sql("select count(*) from incidents where exercise_id = ?::uuid")
                .param(exercise)
                .query(Long.class)
                .single();
    }

    @Test
    void theDemoAttackReplaysThroughIntakeTaggedAsTheExerciseAndComparesExpectedWithObtained() {
        TestApi admin = TestApi.admin(port);
        Instant from = Instant.now().minus(Duration.ofDays(30));
        MetricsReport before = metrics.report(from, Instant.now().plusSeconds(3600));
        Assessment assessmentBefore = assessments.compute(Instant.now());
        RuleHealth sqliBefore = sqliHealth();
        long productionAlertsBefore = jdbc.sql("select count(*) from alerts where exercise_id is null")
                .query(Long.class)
                .single();

        String id = exercise(admin, "Demo replay");
        String impossible = "no-such-rule-" + suffix;
        TestApi.Response set = admin.putJson(
                "/api/v1/governance/exercises/" + id + "/expectations",
                "{\"expected\":[\"T1190\",\"t1110\",\"b519d4e7-e53a-49de-b594-f57624e5df10\",\"" + impossible
                        + "\",\"T1486\"],\"owner\":\"admin\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("expected").toString()).contains("T1110", impossible);

        TestApi.Response started =
                admin.postJson("/api/v1/governance/exercises/" + id + "/replay", "{\"kind\":\"demo\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode done = awaitDone(admin, started.json().get("id").asString());

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("eventsTotal").asLong()).isEqualTo(49);
        assertThat(done.get("eventsSent").asLong()).isEqualTo(49);
        assertThat(done.get("eventsRejected").asLong()).isZero();
        assertThat(done.get("eventsEvaluated").asLong()).isEqualTo(49);
        assertThat(done.get("shiftSeconds").asLong()).isPositive();
        // expected detections that fired, and those that could not
        assertThat(status(done, "T1190")).isEqualTo("detected");
        assertThat(status(done, "T1110")).isEqualTo("detected");
        assertThat(status(done, "b519d4e7-e53a-49de-b594-f57624e5df10")).isEqualTo("detected");
        assertThat(status(done, impossible)).isEqualTo("missed");
        assertThat(status(done, "T1486")).isEqualTo("missed");
        // the encoded PowerShell was not expected: an informational finding
        assertThat(status(done, "e33796a3-b5b5-462d-b6e8-e35894373311")).isEqualTo("unexpected");

        Exercise e = governance.exercise(UUID.fromString(id)).orElseThrow();
        Exercise.Finding missed = e.findings().stream()
                .filter(f -> f.finding().contains(impossible))
                .findFirst()
                .orElseThrow();
        assertThat(missed.finding()).contains("Expected detection " + impossible + " did not fire");
        assertThat(missed.open()).isTrue();
        assertThat(missed.owner()).isEqualTo("admin");
        assertThat(missed.action()).isNotBlank();
        assertThat(e.findings())
                .filteredOn(f -> f.finding().contains("e33796a3-b5b5-462d-b6e8-e35894373311"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.open()).isFalse();
                    assertThat(f.resolution()).isEqualTo("informational");
                });

        // the alerts and incidents are the exercise's, and shown as such
        List<String> sources = jdbc.sql("select distinct source from alerts where exercise_id = ?::uuid")
                .param(id)
                .query(String.class)
                .list();
        assertThat(sources).isNotEmpty().allMatch(s -> s.startsWith("exercise-" + id + "."));
        assertThat(sources).contains("exercise-" + id + ".shop-web", "exercise-" + id + ".linux-servers");
        assertThat(jdbc.sql("select count(*) from alerts where exercise_id is null")
                        .query(Long.class)
                        .single())
                .isEqualTo(productionAlertsBefore);
        Instant waitIncidents = Instant.now().plusSeconds(60);
        while (incidentsOfExercise(id) == 0 && Instant.now().isBefore(waitIncidents)) {
            pause();
        }
        assertThat(incidentsOfExercise(id)).isPositive();
        String reference = "INC-"
                + jdbc.sql("select number from incidents where exercise_id = ?::uuid order by number limit 1")
                        .param(id)
                        .query(Long.class)
                        .single();
        assertThat(jdbc.sql("select count(*) from incidents i join incident_alerts a on a.incident_id = i.id"
                                + " join alerts x on x.id = a.alert_id"
                                + " where (i.exercise_id is null) <> (x.exercise_id is null)")
                        .query(Long.class)
                        .single())
                .as("no incident mixes exercise and production alerts")
                .isZero();
        TestSession ui = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(ui.get("/incidents/" + reference).body()).contains("EXERCISE", "/governance/exercises/" + id);
        // the incident list shows production by default and says what it leaves out; asked for, the drill is there
        assertThat(ui.get("/incidents").body()).contains("exercise incident").contains("not shown");
        assertThat(ui.get("/incidents?exercise=all").body()).contains("EXERCISE");
        String alertId = jdbc.sql("select id::text from alerts where exercise_id = ?::uuid limit 1")
                .param(id)
                .query(String.class)
                .single();
        assertThat(ui.get("/alerts/" + alertId).body()).contains("EXERCISE");
        String page = ui.get("/governance/exercises/" + id).body();
        assertThat(page).contains("id=\"comparison\"", "missed", impossible, "completed");
        // the stored events are under the exercise's sources, searchable by the exercise mark
        JsonNode events = admin.get("/api/v1/events/search?q=" + TestSession.enc("vigil.exercise:\"" + id + "\"")
                        + "&from=now-2h&size=100")
                .json();
        assertThat(events.get("total").asLong()).isEqualTo(49);

        // production figures are unchanged: incident metrics (the Prometheus gauges' source) and the assessment's
        // incident-based answers
        MetricsReport after = metrics.report(from, Instant.now().plusSeconds(3600));
        assertThat(after.overall().incidents()).isEqualTo(before.overall().incidents());
        assertThat(after.overall().pages()).isEqualTo(before.overall().pages());
        assertThat(after.overall().mttd().count())
                .isEqualTo(before.overall().mttd().count());
        Assessment assessmentAfter = assessments.compute(Instant.now());
        for (String q : List.of("IM1-B", "IM2-B")) {
            assertThat(assessmentAfter.question(q).total())
                    .as(q)
                    .isEqualTo(assessmentBefore.question(q).total());
            assertThat(assessmentAfter.question(q).covered())
                    .as(q)
                    .isEqualTo(assessmentBefore.question(q).covered());
        }
        // the replay exercise with its results is exercise evidence
        assertThat(assessmentAfter.question("IM3-B").criteria())
                .anySatisfy(c -> assertThat(c.text()).contains("exercises regularly"));
        assertThat(admin.get("/actuator/prometheus").body()).contains("vigil_incidents_period_count");
        // rule health: the SQL injection rule fired in the replay, but its production matches and alerts did not move
        assertThat(status(done, "T1190")).isEqualTo("detected");
        RuleHealth sqliAfter = sqliHealth();
        assertThat(sqliAfter.matches()).isEqualTo(sqliBefore.matches());
        assertThat(sqliAfter.alerts()).isEqualTo(sqliBefore.alerts());

        // paging: off by default, so raising an exercise incident pages nobody; with "page the on-call team" it
        // pages, marked [EXERCISE], and the page is not in the on-call page statistics
        String team = onCallTeam(admin);
        UUID incident = jdbc.sql("select id from incidents where exercise_id = ?::uuid order by number limit 1")
                .param(id)
                .query(UUID.class)
                .single();
        incidents.update(incident, teamAndSeverity(team, dev.vigil.server.incidents.IncidentSeverity.LOW));
        incidents.update(incident, teamAndSeverity(team, dev.vigil.server.incidents.IncidentSeverity.HIGH));
        awaitPagingListener(incident);
        assertThat(paging.pagesFor("incident", incident.toString())).isEmpty();
        admin.putJson(
                "/api/v1/governance/exercises/" + id + "/expectations",
                "{\"expected\":[\"T1190\"],\"pageOnCall\":true,\"owner\":\"admin\"}");
        incidents.update(incident, teamAndSeverity(team, dev.vigil.server.incidents.IncidentSeverity.CRITICAL));
        awaitPagingListener(incident);
        List<dev.vigil.server.oncall.Page> pages = paging.pagesFor("incident", incident.toString());
        assertThat(pages).singleElement().satisfies(p -> assertThat(p.title()).startsWith("[EXERCISE] INC-"));
        assertThat(onCallStatistics.pages(
                        Instant.now().minusSeconds(3600), Instant.now().plusSeconds(60)))
                .noneMatch(p -> p.id().equals(pages.getFirst().id()));

        // audited: start and result
        List<String> actions = new ArrayList<>();
        audit.forEach(
                new AuditQuery(null, null, "exercise", id, null, null, null),
                x -> actions.add(x.action() + ":" + x.actorName()));
        String starter = done.get("startedBy").asString();
        assertThat(starter).isNotEqualTo("system");
        assertThat(actions)
                .contains("expectations-set:" + starter, "replay-started:" + starter, "replay-completed:system");
    }

    private RuleHealth sqliHealth() {
        return checklist.ruleHealth(Instant.now()).stream()
                .filter(h -> h.ref().equals("b0c4d27f-0b86-4fb9-8c1b-6cae82e5dd62"))
                .findFirst()
                .orElseThrow();
    }

    private static dev.vigil.server.incidents.IncidentUpdate teamAndSeverity(
            String team, dev.vigil.server.incidents.IncidentSeverity severity) {
        return new dev.vigil.server.incidents.IncidentUpdate(
                null, null, severity, null, null, null, null, team, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** Waits until the incident module's paging listener handled every event published about {@code id}. */
    private void awaitPagingListener(UUID id) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            long open = jdbc.sql("select count(*) from event_publication where serialized_event like ?"
                            + " and listener_id like ? and completion_date is null")
                    .params("%" + id + "%", "%IncidentPaging%")
                    .query(Long.class)
                    .single();
            if (open == 0) {
                return;
            }
            pause();
        }
        throw new AssertionError("the paging listener did not handle the events of " + id);
    }

    /** A person, an on-call team of that person and the team's escalation policy; returns the team's name. */
    private String onCallTeam(TestApi admin) {
        String person = admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"Exercise " + suffix + "\",\"email\":\"exercise-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}")
                .json()
                .path("userId")
                .asString();
        String team = "exercise-team-" + suffix;
        String teamId = admin.postJson(
                        "/api/v1/oncall/teams", "{\"name\":\"" + team + "\",\"members\":[\"" + person + "\"]}")
                .json()
                .path("id")
                .asString();
        TestApi.Response policy = admin.postJson(
                "/api/v1/oncall/policies",
                "{\"name\":\"" + team + "-policy\",\"teamId\":\"" + teamId + "\",\"repeat\":0,"
                        + "\"steps\":[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + person
                        + "\"}]}]}");
        assertThat(policy.status()).as(policy.body()).isEqualTo(201);
        return team;
    }

    @Test
    void aStoredRangeReplaysToTheSameDetectionsAsLive() {
        TestApi admin = TestApi.admin(port);
        String source = "replay-web-" + suffix;
        TestApi.Response created = admin.postJson(
                "/api/v1/sources",
                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\","
                        + "\"logsource\":{\"category\":\"webserver\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Instant t = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        String lines = String.join(
                        "\n",
                        "{\"@timestamp\":\"" + t + "\",\"c-ip\":\"198.51.100.9\",\"cs-method\":\"GET\","
                                + "\"cs-uri-stem\":\"/products\",\"cs-uri-query\":\"q=1' UNION SELECT password FROM users--\","
                                + "\"sc-status\":200}",
                        "{\"@timestamp\":\"" + t.plusSeconds(5) + "\",\"c-ip\":\"198.51.100.9\",\"cs-method\":\"GET\","
                                + "\"cs-uri-stem\":\"/download\",\"cs-uri-query\":\"file=../../../../etc/passwd\","
                                + "\"sc-status\":200}",
                        "{\"@timestamp\":\"" + t.plusSeconds(9) + "\",\"c-ip\":\"198.51.100.10\",\"cs-method\":\"GET\","
                                + "\"cs-uri-stem\":\"/\",\"sc-status\":200,\"cs-user-agent\":\"Mozilla/5.0\"}")
                + "\n";
        TestApi.Response ingested = admin.post("/api/v1/ingest/" + source, "application/x-ndjson", lines);
        assertThat(ingested.status()).as(ingested.body()).isEqualTo(200);
        Set<String> live = new TreeSet<>();
        Instant deadline = Instant.now().plusSeconds(60);
        while (live.size() < 2 && Instant.now().isBefore(deadline)) {
            live.clear();
            for (JsonNode a :
                    admin.get("/api/v1/alerts?size=100&source=" + source).json().get("items")) {
                live.add(a.get("ruleId").asString());
            }
            pause();
        }
        assertThat(live).hasSizeGreaterThanOrEqualTo(2);
        // alerts can be raised before the store's next index refresh makes the events searchable
        long searchable = 0;
        deadline = Instant.now().plusSeconds(60);
        while (searchable < 3 && Instant.now().isBefore(deadline)) {
            searchable = admin.get("/api/v1/events/search?size=1&alerts=false&q=_source:%22" + source + "%22")
                    .json()
                    .get("total")
                    .asLong();
            if (searchable < 3) {
                pause();
            }
        }
        assertThat(searchable).isEqualTo(3);

        String id = exercise(admin, "Stored replay");
        TestApi.Response started = admin.postJson(
                "/api/v1/governance/exercises/" + id + "/replay",
                "{\"kind\":\"stored\",\"from\":\"" + t.minusSeconds(60) + "\",\"to\":\"" + t.plusSeconds(60)
                        + "\",\"source\":\"" + source + "\",\"expected\":" + toJson(live) + "}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode done = awaitDone(admin, started.json().get("id").asString());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("eventsTotal").asLong()).isEqualTo(3);
        assertThat(done.get("eventsSent").asLong()).isEqualTo(3);
        Set<String> replayed = new HashSet<>();
        for (JsonNode o : done.get("obtained")) {
            replayed.add(o.get("ruleId").asString());
        }
        assertThat(replayed).isEqualTo(live);
        for (String rule : live) {
            assertThat(status(done, rule)).isEqualTo("detected");
        }
        assertThat(governance.exercise(UUID.fromString(id)).orElseThrow().findings())
                .noneMatch(Exercise.Finding::open);
        // the original events keep their one alert per rule; the replayed ones are stored under the exercise source
        assertThat(admin.get("/api/v1/alerts?size=100&source=" + source)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(live.size());
        assertThat(admin.get("/api/v1/events/search?q="
                                + TestSession.enc("_source:\"exercise-" + id + "." + source + "\"") + "&from=now-2h")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(3);
        // replayed event times keep their spacing, moved so that the latest is at the start of the replay
        Instant startedAt = Instant.parse(done.get("startedAt").asString());
        assertThat(Duration.between(t.plusSeconds(9), startedAt).toSeconds()
                        - done.get("shiftSeconds").asLong())
                .isBetween(-1L, 1L);
    }

    private static String toJson(Set<String> s) {
        return s.stream()
                .map(x -> "\"" + x + "\"")
                .reduce((a, b) -> a + "," + b)
                .map(x -> "[" + x + "]")
                .orElse("[]");
    }

    @Test
    void aReplayIsCancellableAndRunsOneAtATimePerExercise() {
        TestApi admin = TestApi.admin(port);
        String id = exercise(admin, "Cancelled replay");
        TestApi.Response started =
                admin.postJson("/api/v1/governance/exercises/" + id + "/replay", "{\"kind\":\"demo\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String replayId = started.json().get("id").asString();
        TestApi.Response second =
                admin.postJson("/api/v1/governance/exercises/" + id + "/replay", "{\"kind\":\"demo\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        TestApi.Response cancel = admin.postJson("/api/v1/governance/exercises/" + id + "/replay/cancel", "");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        JsonNode done = awaitDone(admin, replayId);
        assertThat(done.get("status").asString()).isEqualTo("cancelled");
        assertThat(done.get("cancelledBy").asString())
                .isEqualTo(done.get("startedBy").asString());
        assertThat(done.get("comparison")).isEmpty();
        assertThat(admin.postJson("/api/v1/governance/exercises/" + id + "/replay/cancel", "")
                        .status())
                .isEqualTo(409);
        List<String> actions = new ArrayList<>();
        audit.forEach(new AuditQuery(null, null, "exercise", id, null, null, null), x -> actions.add(x.action()));
        assertThat(actions).contains("replay-started", "replay-cancelled");
    }

    @Test
    void replaysNeedTheWriterRoleACsrfTokenAndValidInput() {
        TestApi admin = TestApi.admin(port);
        String id = exercise(admin, "Guarded replay");
        String base = "/api/v1/governance/exercises/" + id;

        // readers see, writers start
        String reader = "replay-reader-" + suffix;
        users.create(
                new UserRequest(reader, null, reader + "@example.com", Set.of("analyst"), true, "password-" + suffix));
        TestSession readerUi = TestSession.signedIn(port, reader, "password-" + suffix);
        assertThat(readerUi.get("/governance/exercises/" + id).status()).isEqualTo(200);
        assertThat(readerUi.get("/governance/exercises/" + id).body()).doesNotContain("id=\"replay-demo\"");
        assertThat(readerUi.postForm("/governance/exercises/" + id + "/replay", "kind=demo")
                        .status())
                .isEqualTo(403);
        assertThat(readerUi.getJson(base + "/replays").status()).isEqualTo(200);
        TestSession adminUi = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(adminUi.get("/governance/exercises/" + id).body()).contains("id=\"replay-demo\"");
        TestApi.Response noCsrf = adminUi.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/governance/exercises/" + id + "/replay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("kind=demo")));
        assertThat(noCsrf.status()).isEqualTo(403);

        // invalid input: a clear 400 and nothing started
        Instant now = Instant.now();
        assertThat(admin.postJson(base + "/replay", "{\"kind\":\"nonsense\"}").body())
                .contains("kind must be demo or stored");
        assertThat(admin.postJson(base + "/replay", "{\"kind\":\"stored\"}").status())
                .isEqualTo(400);
        TestApi.Response unknown = admin.postJson(
                base + "/replay",
                "{\"kind\":\"stored\",\"from\":\"" + now.minusSeconds(3600) + "\",\"to\":\"" + now
                        + "\",\"source\":\"no-such-source-" + suffix + "\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown source");
        TestApi.Response empty = admin.postJson(
                base + "/replay",
                "{\"kind\":\"stored\",\"from\":\"2001-01-01T00:00:00Z\",\"to\":\"2001-01-02T00:00:00Z\"}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");
        TestApi.Response badQuery = admin.postJson(
                base + "/replay",
                "{\"kind\":\"stored\",\"from\":\"" + now.minusSeconds(3600) + "\",\"to\":\"" + now
                        + "\",\"query\":\"(unbalanced\"}");
        assertThat(badQuery.status()).isEqualTo(400);
        // more events than vigil.governance.replay.max-events (100 in tests)
        String source = "replay-bulk-" + suffix;
        assertThat(admin.postJson(
                                "/api/v1/sources",
                                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\"}")
                        .status())
                .isEqualTo(201);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            many.append("{\"n\":").append(i).append(",\"msg\":\"hello\"}\n");
        }
        assertThat(admin.post("/api/v1/ingest/" + source, "application/x-ndjson", many.toString())
                        .status())
                .isEqualTo(200);
        TestApi.Response tooMany = null;
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            tooMany = admin.postJson(
                    base + "/replay",
                    "{\"kind\":\"stored\",\"from\":\"" + now.minusSeconds(3600) + "\",\"to\":\""
                            + Instant.now().plusSeconds(60) + "\",\"source\":\"" + source + "\"}");
            if (!tooMany.body().contains("empty")) {
                break; // searchable now
            }
            pause();
        }
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 100");
        // a tabletop exercise cannot replay
        TestApi.Response tabletop = admin.postJson(
                "/api/v1/governance/exercises",
                "{\"title\":\"Tabletop " + suffix + "\",\"kind\":\"tabletop\",\"scenario\":\"s\",\"heldAt\":\""
                        + Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS) + "\"}");
        assertThat(admin.postJson(
                                "/api/v1/governance/exercises/"
                                        + tabletop.json().get("id").asString() + "/replay",
                                "{\"kind\":\"demo\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.get(base + "/replays").json().path("items")).isEmpty();

        // an API token without governance:write cannot start one
        TestApi viewer = admin.withToken(tokens.issueApiToken(
                        "replay-viewer-" + suffix,
                        null,
                        Set.of(dev.vigil.server.platform.access.Role.parse("viewer")),
                        null)
                .token());
        assertThat(viewer.postJson(base + "/replay", "{\"kind\":\"demo\"}").status())
                .isIn(401, 403);
    }
}
