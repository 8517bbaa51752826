package dev.vigil.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The other lists over tables that grow with production use are paged like the incident alerts (real server, real
 * PostgreSQL, HTTP): an incident's evidence and observables, an item's chain of custody (it grows with every access), the log defects
 * and the training records, the per-incident facts for metrics and an exercise's replay runs. Each answers the page
 * envelope, walks by cursor without skipping or repeating while rows are added between pages, and refuses a size above
 * its maximum and a cursor that is not its own.
 */
@VigilServerTest
class ListPagingSweepTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    javax.sql.DataSource dataSource;

    private static List<String> values(JsonNode page, String field) {
        List<String> out = new ArrayList<>();
        page.path("items").forEach(i -> out.add(i.path(field).asString()));
        return out;
    }

    private static String next(JsonNode page) {
        return page.path("nextCursor").isMissingNode()
                ? null
                : page.path("nextCursor").asString();
    }

    @Test
    void evidenceAndItsChainOfCustodyArePagedByCursorWhileTheyGrow() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response created = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":\"Evidence paging\",\"severity\":\"low\",\"priority\":4,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        String ref = created.json().path("reference").asString();
        for (int i = 0; i < 7; i++) {
            assertThat(admin.post(
                                    "/api/v1/incidents/" + ref + "/evidence?name=file-" + i + ".txt",
                                    "application/octet-stream",
                                    ("evidence " + i).getBytes())
                            .status())
                    .isEqualTo(201);
        }
        JsonNode p1 = admin.get("/api/v1/incidents/" + ref + "/evidence?size=3").json();
        assertThat(p1.path("total").asInt()).isEqualTo(7);
        assertThat(values(p1, "name")).containsExactly("file-0.txt", "file-1.txt", "file-2.txt");
        List<String> seen = new ArrayList<>(values(p1, "name"));
        admin.post("/api/v1/incidents/" + ref + "/evidence?name=late.txt", "application/octet-stream", "x".getBytes());
        String cursor = next(p1);
        while (cursor != null) {
            JsonNode p = admin.get("/api/v1/incidents/" + ref + "/evidence?size=3&cursor=" + cursor)
                    .json();
            seen.addAll(values(p, "name"));
            cursor = next(p);
        }
        assertThat(seen)
                .containsExactly(
                        "file-0.txt",
                        "file-1.txt",
                        "file-2.txt",
                        "file-3.txt",
                        "file-4.txt",
                        "file-5.txt",
                        "file-6.txt",
                        "late.txt");
        assertThat(admin.get("/api/v1/incidents/" + ref + "/evidence?size=501").status())
                .isEqualTo(400);

        // Observables (taken from every alert's entities): 250 in one instant, walked 100 at a time by cursor.
        UUID incidentId = UUID.fromString(created.json().path("id").asString());
        jdbc.sql("""
                        insert into incident_observables (id, incident_id, kind, value, ioc, created_at, created_by)
                        select gen_random_uuid(), ?, 'ip', '10.0.' || (g / 256) || '.' || (g % 256), false,
                            '2026-07-01T00:00:00Z', 'test'
                        from generate_series(0, 249) g""").param(incidentId).update();
        List<String> observables = new ArrayList<>();
        JsonNode o = admin.get("/api/v1/incidents/" + ref + "/observables").json();
        assertThat(o.path("total").asInt()).isEqualTo(250);
        observables.addAll(values(o, "value"));
        while (next(o) != null) {
            o = admin.get("/api/v1/incidents/" + ref + "/observables?cursor=" + next(o))
                    .json();
            observables.addAll(values(o, "value"));
        }
        assertThat(observables).hasSize(250).doesNotHaveDuplicates();
        assertThat(admin.get("/api/v1/incidents/" + ref + "/observables?size=501")
                        .status())
                .isEqualTo(400);

        String item = admin.get("/api/v1/incidents/" + ref + "/evidence?size=1")
                .json()
                .path("items")
                .get(0)
                .path("id")
                .asString();
        for (int i = 0; i < 5; i++) {
            assertThat(admin.postJson(
                                    "/api/v1/evidence/" + item + "/custody",
                                    "{\"action\":\"note\",\"details\":\"step " + i + "\"}")
                            .status())
                    .isEqualTo(201);
        }
        JsonNode c1 = admin.get("/api/v1/evidence/" + item + "/custody?size=2").json();
        int total = c1.path("total").asInt();
        assertThat(total).as("collected + 5 notes").isGreaterThanOrEqualTo(6);
        List<String> chain = new ArrayList<>(values(c1, "seq"));
        cursor = next(c1);
        while (cursor != null) {
            JsonNode p = admin.get("/api/v1/evidence/" + item + "/custody?size=2&cursor=" + cursor)
                    .json();
            chain.addAll(values(p, "seq"));
            cursor = next(p);
        }
        assertThat(chain).hasSize(total).doesNotHaveDuplicates();
        List<Long> seqs = chain.stream().map(Long::parseLong).toList();
        assertThat(seqs).isSorted();
        JsonNode newest = admin.get("/api/v1/evidence/" + item + "/custody?size=1&sort=seq,desc")
                .json();
        assertThat(newest.path("items").get(0).path("details").asString()).isEqualTo("step 4");
        assertThat(admin.get("/api/v1/evidence/" + item + "/custody?size=0").status())
                .isEqualTo(400);
    }

    @Test
    void trainingRecordsAndLogDefectsArePagedNewestFirst() {
        TestApi admin = TestApi.admin(port);
        String process = "paging-" + UUID.randomUUID();
        Instant t0 = Instant.parse("2026-06-01T00:00:00Z");
        for (int i = 0; i < 9; i++) {
            jdbc.sql("""
                            insert into gov_training (id, person, process_key, course, completed_at, created_at)
                            values (gen_random_uuid(), ?, ?, ?, ?, now())""")
                    .params("person-" + i, process, "course " + i, Timestamp.from(t0.plusSeconds(i / 3)))
                    .update();
        }
        JsonNode first = admin.get("/api/v1/governance/training?process=" + process + "&size=4")
                .json();
        assertThat(first.path("total").asInt()).isEqualTo(9);
        assertThat(first.path("sort").get(0).asString()).isEqualTo("completedAt,desc");
        List<String> seen = new ArrayList<>(values(first, "id"));
        String cursor = next(first);
        while (cursor != null) {
            JsonNode p = admin.get("/api/v1/governance/training?process=" + process + "&size=4&cursor=" + cursor)
                    .json();
            seen.addAll(values(p, "id"));
            cursor = next(p);
        }
        List<String> expected = jdbc.sql("""
                        select id::text from gov_training where process_key = ?
                        order by completed_at desc, id desc""").param(process).query(String.class).list();
        assertThat(seen).isEqualTo(expected);
        assertThat(new HashSet<>(seen)).hasSize(9);
        assertThat(admin.get("/api/v1/governance/training?size=501").status()).isEqualTo(400);

        TestApi.Response defects = admin.get("/api/v1/governance/defects?status=open&size=500");
        assertThat(defects.status()).as(defects.body()).isEqualTo(200);
        assertThat(defects.json().path("items").isArray()).isTrue();
        assertThat(admin.get("/api/v1/governance/defects?size=501").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/governance/defects?sort=status").status()).isEqualTo(400);
    }

    /** Walks a keyset list by cursor from {@code first}: the ids of every page, in order. */
    private static List<String> walk(TestApi api, String path, JsonNode first) {
        List<String> seen = new ArrayList<>(values(first, "id"));
        String cursor = next(first);
        String sep = path.contains("?") ? "&" : "?";
        while (cursor != null) {
            JsonNode p = api.get(path + sep + "cursor=" + cursor).json();
            seen.addAll(values(p, "id"));
            cursor = next(p);
        }
        return seen;
    }

    /** An incident created by the API, then dated {@code createdAt} (and made an exercise incident when asked). */
    private String datedIncident(TestApi admin, String title, Instant createdAt, boolean exercise) {
        TestApi.Response r = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":\"" + title + "\",\"severity\":\"low\",\"priority\":4,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String ref = r.json().path("reference").asString();
        jdbc.sql("update incidents set created_at = ?, source = coalesce(?, source) where number = ?")
                .params(
                        Timestamp.from(createdAt),
                        exercise ? ExerciseTag.incidentSource(UUID.randomUUID()) : null,
                        Long.parseLong(ref.substring("INC-".length())))
                .update();
        return ref;
    }

    /** Walks a list by cursor from {@code first}, collecting {@code field}; {@code between} runs after page one. */
    private List<String> walk(TestApi api, String path, String field, Runnable between) {
        TestApi.Response r = api.get(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode p = r.json();
        List<String> seen = new ArrayList<>(values(p, field));
        between.run();
        String sep = path.contains("?") ? "&" : "?";
        while (next(p) != null) {
            r = api.get(path + sep + "cursor=" + next(p));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            p = r.json();
            seen.addAll(values(p, field));
        }
        return seen;
    }

    @Test
    void onCallOverridesLeaveAndNotifyDeliveriesArePagedByCursorWhileTheyGrow() {
        TestApi admin = TestApi.admin(port);
        String person = admin.postJson("/api/v1/oncall/people", "{\"name\":\"Paging\",\"timeZone\":\"UTC\"}")
                .json()
                .path("userId")
                .asString();
        String schedule = admin.postJson(
                        "/api/v1/oncall/schedules",
                        "{\"name\":\"paging " + UUID.randomUUID()
                                + "\",\"timeZone\":\"UTC\",\"layers\":[{\"name\":\"l\","
                                + "\"rotation\":{\"type\":\"weekly\"},\"start\":\"2026-01-05T09:00\","
                                + "\"participants\":[\"" + person + "\"]}]}")
                .json()
                .path("id")
                .asString();
        String override = "{\"userId\":\"" + person + "\",\"start\":\"%s\",\"end\":\"%s\"}";
        String leave = "{\"start\":\"%s\",\"end\":\"%s\"}";
        Instant t0 = Instant.parse("2027-05-01T00:00:00Z");
        for (int i = 0; i < 7; i++) {
            Instant start = t0.plusSeconds(3600L * (i / 2)); // pairs share a start: the id breaks the tie
            assertThat(admin.postJson(
                                    "/api/v1/oncall/schedules/" + schedule + "/overrides",
                                    override.formatted(start, start.plusSeconds(600)))
                            .status())
                    .isEqualTo(201);
            assertThat(admin.postJson(
                                    "/api/v1/oncall/people/" + person + "/leave",
                                    leave.formatted(start, start.plusSeconds(600)))
                            .status())
                    .isEqualTo(201);
        }
        String overrides = "/api/v1/oncall/schedules/" + schedule + "/overrides?size=3";
        String leaves = "/api/v1/oncall/people/" + person + "/leave?size=3";
        JsonNode o1 = admin.get(overrides).json();
        JsonNode l1 = admin.get(leaves).json();
        assertThat(o1.path("total").asInt()).isEqualTo(7);
        assertThat(l1.path("total").asInt()).isEqualTo(7);
        assertThat(values(o1, "id")).hasSize(3);
        // rows added behind the first page (later starts) are part of the walk; nothing is skipped or repeated
        Instant late = t0.plusSeconds(86_400);
        admin.postJson(
                "/api/v1/oncall/schedules/" + schedule + "/overrides", override.formatted(late, late.plusSeconds(60)));
        admin.postJson("/api/v1/oncall/people/" + person + "/leave", leave.formatted(late, late.plusSeconds(60)));
        assertThat(walk(admin, overrides, o1))
                .isEqualTo(jdbc.sql("select id::text from oncall_overrides where schedule_id = ?::uuid"
                                + " order by starts_at, id")
                        .param(schedule)
                        .query(String.class)
                        .list())
                .hasSize(8)
                .doesNotHaveDuplicates();
        assertThat(walk(admin, leaves, l1))
                .isEqualTo(jdbc.sql("select id::text from oncall_leave where user_id = ?::uuid order by starts_at, id")
                        .param(person)
                        .query(String.class)
                        .list())
                .hasSize(8)
                .doesNotHaveDuplicates();
        JsonNode o1desc = admin.get(overrides + "&sort=start,desc").json();
        assertThat(walk(admin, overrides + "&sort=start,desc", o1desc))
                .hasSize(8)
                .doesNotHaveDuplicates();
        // a forged cursor, one of another list or of the other direction, a size above the maximum: 400
        for (String bad : List.of(
                overrides + "&cursor=forged",
                overrides + "&cursor=" + next(l1),
                overrides + "&sort=start,desc&cursor=" + next(o1),
                leaves + "&cursor=" + next(o1),
                "/api/v1/oncall/schedules/" + schedule + "/overrides?size=501",
                "/api/v1/oncall/people/" + person + "/leave?size=501",
                overrides + "&page=1&cursor=" + next(o1))) {
            TestApi.Response r = admin.get(bad);
            assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(400);
        }

        // Deliveries: 250 of one page in one instant, walked 50 (the default) at a time by cursor.
        String correlation = "page:" + UUID.randomUUID();
        jdbc.sql("""
                        insert into notify_deliveries (id, dedup_key, correlation, channel_id, channel_type, kind,
                            message, status, not_before, next_attempt_at, created_at)
                        select gen_random_uuid(), ? || g, ?, gen_random_uuid(), 'email', 'page', '{}', 'sent',
                            '2027-05-01T00:00:00Z', '2027-05-01T00:00:00Z', '2027-05-01T00:00:00Z'
                        from generate_series(0, 249) g""").params(correlation, correlation).update();
        String deliveries = "/api/v1/notify/deliveries?correlation=" + correlation;
        JsonNode d1 = admin.get(deliveries).json();
        assertThat(d1.path("total").asInt()).isEqualTo(250);
        assertThat(values(d1, "id")).hasSize(50);
        assertThat(walk(admin, deliveries, d1)).hasSize(250).doesNotHaveDuplicates();
        assertThat(admin.get(deliveries + "&size=501").status()).isEqualTo(400);
        assertThat(admin.get(deliveries + "&cursor=" + next(o1)).status()).isEqualTo(400);
        assertThat(admin.get(deliveries + "&cursor=bm90LWEtY3Vyc29y").status()).isEqualTo(400);
    }

    @Test
    void incidentFactsArePagedByCursorInTheirRangeAndSayHowManyExerciseIncidentsTheyLeaveOut() {
        TestApi admin = TestApi.admin(port);
        // a window of our own (other tests create incidents now): one hour somewhere in 2015-2024
        Instant from = Instant.parse("2015-01-01T00:00:00Z")
                .plus(Duration.ofHours(Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 80_000L)));
        Instant to = from.plus(Duration.ofHours(1));
        String range = "from=" + from + "&to=" + to;
        List<String> production = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // three share each instant: pages end inside runs of equal timestamps
            production.add(datedIncident(admin, "facts " + i, from.plusSeconds(60 + i / 3), false));
        }
        datedIncident(admin, "drill a", from.plusSeconds(61), true);
        datedIncident(admin, "drill b", from.plusSeconds(120), true);
        datedIncident(admin, "outside", to, false);

        JsonNode p1 = admin.get("/api/v1/incidents/facts?" + range + "&size=3").json();
        assertThat(p1.path("total").asInt()).isEqualTo(7);
        assertThat(p1.path("exercisesHidden").asInt()).isEqualTo(2);
        assertThat(p1.path("sort").get(0).asString()).isEqualTo("createdAt,asc");
        List<String> seen = walk(
                admin,
                "/api/v1/incidents/facts?" + range + "&size=3",
                "reference",
                () -> production.add(datedIncident(admin, "late", from.plusSeconds(600), false)));
        List<String> expected = jdbc.sql("""
                        select 'INC-' || number from incidents where created_at >= ? and created_at < ?
                            and exercise_id is null order by created_at, id""")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query(String.class)
                .list();
        assertThat(seen).isEqualTo(expected).containsExactlyInAnyOrderElementsOf(production);

        List<String> newestFirst =
                walk(admin, "/api/v1/incidents/facts?" + range + "&size=2&sort=createdAt,desc", "reference", () -> {});
        assertThat(newestFirst).isEqualTo(expected.reversed());

        JsonNode all = admin.get("/api/v1/incidents/facts?" + range + "&exercise=all&size=500")
                .json();
        assertThat(all.path("total").asInt()).isEqualTo(10);
        assertThat(all.path("items")).hasSize(10);
        assertThat(all.path("exercisesHidden").asInt()).isZero();
        JsonNode only =
                admin.get("/api/v1/incidents/facts?" + range + "&exercise=only").json();
        assertThat(values(only, "reference")).hasSize(2);
        assertThat(only.path("exercisesHidden").asInt()).isZero();
        JsonNode none = admin.get("/api/v1/incidents/facts?from=" + to.plusSeconds(1) + "&to=" + to.plusSeconds(2))
                .json();
        assertThat(none.path("total").asInt()).isZero();
        assertThat(none.path("exercisesHidden").asInt())
                .as("present and 0 when no exercise incident is left out")
                .isZero();
        assertThat(none.has("exercisesHidden")).isTrue();

        String replayCursor = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("v1\nexercise-replays\nasc\n2026-01-01T00:00:00Z\n00000000-0000-0000-0000-000000000000"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String[] bad : new String[][] {
            {"?cursor=not-a-cursor!", "invalid cursor"},
            {"?cursor=" + replayCursor, "another list"},
            {"?size=501", "size must be between 1 and 500"},
            {"?sort=severity", "cannot sort by 'severity'"},
            {"?exercise=maybe", "unknown exercise filter"},
            {"?sort=createdAt,desc&cursor=" + next(p1), "other order"},
        }) {
            TestApi.Response r = admin.get("/api/v1/incidents/facts" + bad[0]);
            assertThat(r.status()).as(bad[0] + " " + r.body()).isEqualTo(400);
            assertThat(r.json().path("detail").asString()).as(bad[0]).contains(bad[1]);
        }
    }

    @Test
    void anExercisesReplaysArePagedNewestFirstByCursorAndOnItsPage() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response created = admin.postJson(
                "/api/v1/governance/exercises",
                "{\"title\":\"Replay paging\",\"kind\":\"replay\",\"scenario\":\"s\",\"heldAt\":\""
                        + Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        UUID exercise = UUID.fromString(created.json().path("id").asString());
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        String hostile = "<script>alert('replay')</script>";
        for (int i = 0; i < 55; i++) {
            replay(exercise, t0.plusSeconds(i / 4 * 60L), i == 54 ? hostile : "tester");
        }
        String base = "/api/v1/governance/exercises/" + exercise + "/replays";
        JsonNode p1 = admin.get(base + "?size=4").json();
        assertThat(p1.path("total").asInt()).isEqualTo(55);
        assertThat(p1.path("sort").get(0).asString()).isEqualTo("startedAt,desc");
        assertThat(p1.has("exercisesHidden"))
                .as("no exercise filter on this list")
                .isFalse();
        List<String> seen = walk(admin, base + "?size=4", "id", () -> replay(exercise, t0.minusSeconds(3600), "late"));
        List<String> expected =
                jdbc.sql("""
                        select id::text from gov_exercise_replays where exercise_id = ?
                        order by started_at desc, id desc""").param(exercise).query(String.class).list();
        assertThat(seen).hasSize(56).isEqualTo(expected);
        assertThat(new HashSet<>(seen)).hasSize(56);
        assertThat(walk(admin, base + "?size=500&sort=startedAt,asc", "id", () -> {}))
                .isEqualTo(expected.reversed());
        for (String bad :
                List.of("?cursor=abc!", "?size=501", "?sort=status", "?cursor=" + next(p1) + "&sort=startedAt")) {
            assertThat(admin.get(base + bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(admin.get("/api/v1/governance/exercises/" + UUID.randomUUID() + "/replays")
                        .status())
                .isEqualTo(404);

        TestSession ui = TestSession.signedIn(port, "admin", dev.vigil.server.testing.VigilServerTest.ADMIN_PASSWORD);
        String page = ui.get("/governance/exercises/" + exercise).body();
        assertThat(page).contains("50 of 56 replays shown", "Older replays");
        assertThat(page).doesNotContain(hostile).contains("&lt;script&gt;alert(&#39;replay&#39;)&lt;/script&gt;");
        String older = page.substring(page.indexOf("id=\"replays-older\""));
        older = older.substring(older.indexOf("href=\"") + 6);
        older = older.substring(0, older.indexOf('"')).replace("&amp;", "&");
        String second = ui.get(older).body();
        assertThat(second).contains("6 of 56 replays shown", "Newest replays").doesNotContain("Older replays");
        assertThat(second).as("the latest replay stays on top").contains("Latest replay");
        assertThat(ui.get("/governance/exercises/" + exercise + "?replaysAfter=forged")
                        .status())
                .isEqualTo(400);
    }

    private void replay(UUID exercise, Instant startedAt, String by) {
        jdbc.sql("""
                        insert into gov_exercise_replays (id, exercise_id, kind, status, started_by, started_at,
                            finished_at)
                        values (gen_random_uuid(), ?, 'demo', 'completed', ?, ?, ?)""")
                .params(exercise, by, Timestamp.from(startedAt), Timestamp.from(startedAt.plusSeconds(30)))
                .update();
    }

    /**
     * The hidden-exercise counts and the new pages' reads are served by an index (with sequential scans priced out,
     * so the answer does not depend on how few rows the test database holds): the counts by the partial
     * {@code *_exercise_idx} indexes (or, with more filters, another index the planner prefers), the facts and replay
     * pages by their listed indexes, in both directions.
     */
    @Test
    void theHiddenExerciseCountsAndTheNewPagesReadAnIndex() throws java.sql.SQLException {
        String day = "'2026-01-01T00:00:00Z'::timestamptz";
        String[][] cases = {
            {"select count(*) from incidents where exercise_id is not null", "incidents_exercise_idx"},
            {
                "select count(*) from incidents where status not in ('closed', 'merged') and exercise_id is not null",
                "Index" // the planner may prefer the open-incidents partial index: either is an index
            },
            {"select count(*) from alerts where exercise_id is not null", "alerts_exercise_idx"},
            {
                "select count(*) from incidents where created_at >= " + day + " and created_at < " + day
                        + " + interval '90 days' and exercise_id is not null",
                "Index"
            },
            {
                "select * from incidents where created_at >= " + day + " and created_at < " + day
                        + " + interval '90 days' and exercise_id is null and (created_at, id) > (" + day
                        + ", gen_random_uuid()) order by created_at asc, id asc limit 101",
                "incidents_created_listed_idx"
            },
            {
                "select * from incidents where created_at >= " + day + " and created_at < " + day
                        + " + interval '90 days' and exercise_id is null order by created_at desc, id desc limit 101",
                "incidents_created_listed_idx"
            },
            {
                "select * from gov_exercise_replays where exercise_id = gen_random_uuid() and (started_at, id) < ("
                        + day + ", gen_random_uuid()) order by started_at desc, id desc limit 51",
                "gov_exercise_replays_listed_idx"
            },
        };
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute("set enable_seqscan = off");
            try {
                for (String[] k : cases) {
                    StringBuilder plan = new StringBuilder();
                    try (java.sql.ResultSet rs = st.executeQuery("explain " + k[0])) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                    assertThat(plan.toString()).as(k[0]).contains(k[1]).doesNotContain("Seq Scan");
                }
            } finally {
                st.execute("reset enable_seqscan");
            }
        }
    }
}
