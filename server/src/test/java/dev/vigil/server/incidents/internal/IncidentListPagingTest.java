package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An incident's alerts and timeline are paged through the HTTP API (real server, real PostgreSQL): page boundaries,
 * the maximum page size, a walk by cursor that neither skips nor repeats a row while rows are inserted between its
 * pages (including rows that sort before the position: a back-dated timeline entry, alerts moved in by a merge), the
 * same order by offset, and a 400 problem for every invalid parameter. The incident page shows the first page and
 * links to the next, escaping the alerts' rule titles (they come from rules and logs).
 */
@VigilServerTest
class IncidentListPagingTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private String incident(TestApi admin, String title) {
        TestApi.Response r = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":\"" + title + "\",\"severity\":\"low\",\"priority\":4,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("reference").asString();
    }

    private UUID id(TestApi admin, String ref) {
        return UUID.fromString(
                admin.get("/api/v1/incidents/" + ref).json().path("id").asString());
    }

    /**
     * Adds {@code n} alerts to the incident in one statement, {@code perInstant} of them sharing each added-at
     * instant (so pages end inside a run of equal timestamps and the tie-breaker decides), plus one duplicate that is
     * counted, not listed.
     */
    private void alerts(UUID incident, int n, int perInstant, Instant start, String title) {
        jdbc.sql("""
                        insert into incident_alerts (alert_id, incident_id, origin_incident, rule_id, rule_title, level,
                            fingerprint, duplicate_of, last_seen_at, added_at, added_by)
                        select gen_random_uuid(), ?, ?, 'paging-rule', ?, 'low', 'fp-' || g, null,
                            ?::timestamptz + ((g / ?) * interval '1 second'),
                            ?::timestamptz + ((g / ?) * interval '1 second'), 'test'
                        from generate_series(0, ? - 1) g""")
                .params(
                        incident,
                        incident,
                        title,
                        Timestamp.from(start),
                        perInstant,
                        Timestamp.from(start),
                        perInstant,
                        n)
                .update();
    }

    private static List<String> ids(JsonNode page, String field) {
        List<String> out = new ArrayList<>();
        page.path("items").forEach(i -> out.add(i.path(field).asString()));
        return out;
    }

    private List<String> walk(TestApi admin, String path, String field, int size) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        for (int guard = 0; guard < 100; guard++) {
            JsonNode p = admin.get(path + (path.contains("?") ? "&" : "?") + "size=" + size
                            + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            all.addAll(ids(p, field));
            cursor = p.path("nextCursor").isMissingNode()
                    ? null
                    : p.path("nextCursor").asString();
            if (cursor == null) {
                return all;
            }
        }
        throw new AssertionError("the walk did not end");
    }

    @Test
    void alertsArePagedAtTheBoundariesAndTheMaximumSize() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Alert storm");
        UUID id = id(admin, ref);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        alerts(id, 520, 7, t0, "Storm");
        UUID first = jdbc.sql("select alert_id from incident_alerts where incident_id = ? order by added_at, alert_id"
                        + " limit 1")
                .param(id)
                .query(UUID.class)
                .single();
        jdbc.sql("""
                        insert into incident_alerts (alert_id, incident_id, origin_incident, rule_id, rule_title, level,
                            fingerprint, duplicate_of, last_seen_at, added_at, added_by)
                        values (gen_random_uuid(), ?, ?, 'paging-rule', 'Storm', 'low', 'fp-0', ?, now(), now(), 'test')""").params(id, id, first).update();

        TestApi.Response def = admin.get("/api/v1/incidents/" + ref + "/alerts");
        assertThat(def.status()).as(def.body()).isEqualTo(200);
        JsonNode d = def.json();
        assertThat(d.path("items").size()).as("default size").isEqualTo(100);
        assertThat(d.path("total").asLong()).as("duplicates are not listed").isEqualTo(520);
        assertThat(d.path("size").asInt()).isEqualTo(100);
        assertThat(d.path("totalPages").asInt()).isEqualTo(6);
        assertThat(d.path("sort").get(0).asString()).isEqualTo("addedAt,asc");
        assertThat(d.path("nextCursor").asString()).isNotBlank();

        JsonNode max =
                admin.get("/api/v1/incidents/" + ref + "/alerts?size=500").json();
        assertThat(max.path("items").size()).isEqualTo(500);
        JsonNode rest = admin.get("/api/v1/incidents/" + ref + "/alerts?size=500&cursor="
                        + max.path("nextCursor").asString())
                .json();
        assertThat(rest.path("items").size()).isEqualTo(20);
        assertThat(rest.path("nextCursor").isMissingNode())
                .as("the last page has no cursor")
                .isTrue();

        // Exactly one full page: no cursor after it.
        JsonNode exact = admin.get("/api/v1/incidents/" + ref + "/alerts?size=20&page=25")
                .json();
        assertThat(exact.path("items").size()).isEqualTo(20);
        assertThat(exact.path("nextCursor").isMissingNode()).isTrue();
        assertThat(admin.get("/api/v1/incidents/" + ref + "/alerts?size=20&page=26")
                        .json()
                        .path("items")
                        .size())
                .isZero();

        // The walk by cursor and the walk by page see the same rows in the same order (ties broken by alert id).
        List<String> byCursor = walk(admin, "/api/v1/incidents/" + ref + "/alerts", "alertId", 33);
        List<String> byPage = new ArrayList<>();
        for (int p = 0; p < 16; p++) {
            byPage.addAll(ids(
                    admin.get("/api/v1/incidents/" + ref + "/alerts?size=33&page=" + p)
                            .json(),
                    "alertId"));
        }
        List<String> expected = jdbc.sql("""
                        select alert_id::text from incident_alerts where incident_id = ? and duplicate_of is null
                        order by added_at, alert_id""").param(id).query(String.class).list();
        assertThat(byCursor).hasSize(520).isEqualTo(expected);
        assertThat(byPage).isEqualTo(expected);

        List<String> newest = walk(admin, "/api/v1/incidents/" + ref + "/alerts?sort=addedAt,desc", "alertId", 64);
        assertThat(newest).isEqualTo(expected.reversed());
    }

    @Test
    void aCursorWalkNeitherSkipsNorRepeatsAlertsInsertedOrMergedInBetweenPages() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Growing");
        UUID id = id(admin, ref);
        Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
        alerts(id, 150, 10, t0, "Before");
        List<String> before = jdbc.sql("""
                        select alert_id::text from incident_alerts where incident_id = ? order by added_at, alert_id""").param(id).query(String.class).list();

        JsonNode p1 = admin.get("/api/v1/incidents/" + ref + "/alerts?size=50").json();
        List<String> seen = new ArrayList<>(ids(p1, "alertId"));
        // While the analyst reads: new alerts arrive (after the position), and a merge moves older alerts in (they
        // sort before the position, inside the page already read).
        alerts(id, 30, 3, t0.plusSeconds(3600), "Arrived");
        String other = incident(admin, "Merged in");
        UUID otherId = id(admin, other);
        alerts(otherId, 12, 12, t0.plusSeconds(1), "Moved");
        assertThat(admin.postJson("/api/v1/incidents/" + ref + "/merge", "{\"source\":\"" + other + "\"}")
                        .status())
                .isEqualTo(200);

        String cursor = p1.path("nextCursor").asString();
        while (cursor != null) {
            JsonNode p = admin.get("/api/v1/incidents/" + ref + "/alerts?size=50&cursor=" + cursor)
                    .json();
            seen.addAll(ids(p, "alertId"));
            cursor = p.path("nextCursor").isMissingNode()
                    ? null
                    : p.path("nextCursor").asString();
        }
        assertThat(new HashSet<>(seen)).as("no row twice").hasSameSizeAs(seen);
        assertThat(seen).as("every row that was there is seen, in order").containsSubsequence(before);
        assertThat(seen.subList(150, seen.size())).as("the new ones at the end").hasSize(30);
        // Offset paging would have repeated rows here: the 12 merged alerts shift every later offset.
        JsonNode offset =
                admin.get("/api/v1/incidents/" + ref + "/alerts?size=50&page=1").json();
        assertThat(ids(offset, "alertId")).containsAnyElementsOf(seen.subList(38, 50));
    }

    @Test
    void theTimelineIsPagedNewestFirstAndABackDatedEntryDoesNotShiftTheWalk() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "War room");
        for (int i = 0; i < 25; i++) {
            TestApi.Response r = admin.postJson(
                    "/api/v1/incidents/" + ref + "/timeline",
                    "{\"kind\":\"note\",\"summary\":\"note " + i + "\",\"at\":\"2026-03-01T10:00:" + (i < 10 ? "0" : "")
                            + i + "Z\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        JsonNode all =
                admin.get("/api/v1/incidents/" + ref + "/timeline?size=500").json();
        int total = all.path("total").asInt();
        assertThat(total).as("the notes and the automatic 'created' entry").isGreaterThanOrEqualTo(26);
        List<String> ascending = ids(all, "id");

        JsonNode p1 = admin.get("/api/v1/incidents/" + ref + "/timeline?sort=at,desc&size=10")
                .json();
        assertThat(ids(p1, "summary")).containsSubsequence("note 24", "note 23", "note 22");
        List<String> seen = new ArrayList<>(ids(p1, "id"));
        // A back-dated note lands between entries already read: a walk by cursor neither repeats nor skips.
        assertThat(admin.postJson(
                                "/api/v1/incidents/" + ref + "/timeline",
                                "{\"kind\":\"decision\",\"summary\":\"late\",\"at\":\"2026-03-01T10:00:20.5Z\"}")
                        .status())
                .isEqualTo(201);
        String cursor = p1.path("nextCursor").asString();
        while (cursor != null) {
            JsonNode p = admin.get("/api/v1/incidents/" + ref + "/timeline?sort=at,desc&size=10&cursor=" + cursor)
                    .json();
            seen.addAll(ids(p, "id"));
            cursor = p.path("nextCursor").isMissingNode()
                    ? null
                    : p.path("nextCursor").asString();
        }
        assertThat(seen).hasSize(total).hasSameElementsAs(ascending);
        assertThat(seen).isEqualTo(ascending.reversed());
        // A new walk sees the back-dated entry in its place.
        List<String> again = walk(admin, "/api/v1/incidents/" + ref + "/timeline?sort=at,desc", "summary", 10);
        assertThat(again).hasSize(total + 1).containsSubsequence("note 21", "late", "note 20");
    }

    @Test
    void invalidPagingParametersAreRefusedWithAProblem() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Bad requests");
        UUID id = id(admin, ref);
        alerts(id, 3, 1, Instant.parse("2026-04-01T00:00:00Z"), "x");
        admin.postJson("/api/v1/incidents/" + ref + "/timeline", "{\"kind\":\"note\",\"summary\":\"one more\"}");
        String alertsCursor = admin.get("/api/v1/incidents/" + ref + "/alerts?size=1")
                .json()
                .path("nextCursor")
                .asString();
        String timelineCursor = admin.get("/api/v1/incidents/" + ref + "/timeline?size=1")
                .json()
                .path("nextCursor")
                .asString();
        String a = "/api/v1/incidents/" + ref + "/alerts";
        String t = "/api/v1/incidents/" + ref + "/timeline";
        for (String[] bad : new String[][] {
            {a + "?size=0", "size must be between 1 and 500"},
            {a + "?size=501", "size must be between 1 and 500"},
            {a + "?size=ten", "size must be a number"},
            {a + "?page=-1", "page must be >= 0"},
            {a + "?sort=level", "cannot sort by 'level'"},
            {a + "?sort=addedAt,sideways", "sort direction must be asc or desc"},
            {a + "?cursor=not-a-cursor!", "invalid cursor"},
            {a + "?cursor=" + timelineCursor, "another list"},
            {a + "?sort=addedAt,desc&cursor=" + alertsCursor, "other order"},
            {a + "?page=2&cursor=" + alertsCursor, "either page or cursor"},
            {t + "?size=501", "size must be between 1 and 500"},
            {t + "?cursor=" + alertsCursor, "another list"},
            {t + "?sort=at,desc&sort=at", "sorts by at only"},
            {"/api/v1/incidents?cursor=abc", "not cursor="},
        }) {
            TestApi.Response r = admin.get(bad[0]);
            assertThat(r.status()).as(bad[0] + " " + r.body()).isEqualTo(400);
            assertThat(r.raw().headers().firstValue("Content-Type").orElse(""))
                    .as(bad[0])
                    .startsWith("application/problem+json");
            assertThat(r.json().path("detail").asString()).as(bad[0]).contains(bad[1]);
        }
        assertThat(admin.get("/api/v1/incidents/INC-999999999/alerts").status()).isEqualTo(404);
    }

    @Test
    void theIncidentPageShowsTheFirstAlertsAndLinksToTheNextEscaped() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Many alerts");
        UUID id = id(admin, ref);
        String hostile = "<script>alert(1)</script>";
        alerts(id, 130, 1, Instant.parse("2026-05-01T00:00:00Z"), hostile);
        for (int i = 0; i < 105; i++) {
            jdbc.sql("""
                            insert into incident_timeline (id, incident_id, at, kind, automatic, summary, actor, created_at)
                            values (gen_random_uuid(), ?, ?, 'note', false, ?, 'test', now())""")
                    .params(
                            id,
                            Timestamp.from(Instant.parse("2026-05-01T00:00:00Z").plusSeconds(i)),
                            "entry " + i)
                    .update();
        }
        TestSession s = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response first = s.get("/incidents/" + ref);
        assertThat(first.status()).isEqualTo(200);
        String html = first.body();
        assertThat(html).doesNotContain(hostile).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("100 of 130 listed alerts shown", "entry 104", "Next alerts", "Older entries");
        assertThat(html).doesNotContain("entry 4<");
        String next = link(html, "alerts-next");
        TestApi.Response second = s.get(next);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).contains("30 of 130 listed alerts shown", "First alerts");
        Set<String> firstIds = alertIds(html);
        Set<String> secondIds = alertIds(second.body());
        assertThat(firstIds).hasSize(100);
        assertThat(secondIds).hasSize(30).doesNotContainAnyElementsOf(firstIds);
        TestApi.Response older = s.get(link(html, "timeline-older"));
        assertThat(older.body()).contains("entry 4<", "Newest entries").doesNotContain("entry 104");
    }

    @Test
    void theEvidenceTableAndTheChainOfCustodyShowOnePageAndLinkToTheNextEscaped() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Much evidence");
        String hostile = "<img src=x onerror=alert(1)>";
        for (int i = 0; i < 53; i++) {
            TestApi.Response r = admin.post(
                    "/api/v1/incidents/" + ref + "/evidence?name=" + TestSession.enc("item-" + i + hostile + ".txt"),
                    "application/octet-stream",
                    ("evidence " + i).getBytes());
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
        TestSession s = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        String html = s.get("/incidents/" + ref).body();
        assertThat(html).doesNotContain(hostile).contains("item-52&lt;img src=x onerror=alert(1)&gt;.txt");
        assertThat(html).contains("Newest first: 50 of 53 evidence items shown.", "Older evidence");
        Set<String> first = evidenceIds(html, ref);
        assertThat(first).hasSize(50);
        String olderLink = link(html, "evidence-older");
        TestApi.Response older = s.get(olderLink);
        assertThat(older.status()).isEqualTo(200);
        assertThat(older.body()).contains("Newest first: 3 of 53 evidence items shown.", "Newest evidence");
        assertThat(older.body()).doesNotContain("id=\"evidence-older\"");
        Set<String> second = evidenceIds(older.body(), ref);
        assertThat(second).hasSize(3).doesNotContainAnyElementsOf(first);
        List<String> all = jdbc.sql("select id::text from evidence_items where incident_id = ?")
                .param(id(admin, ref))
                .query(String.class)
                .list();
        Set<String> union = new HashSet<>(first);
        union.addAll(second);
        assertThat(union).containsExactlyInAnyOrderElementsOf(all);
        assertThat(s.get("/incidents/" + ref + "?evidenceAfter=forged").status())
                .isEqualTo(400);
        String apiCursor = admin.get("/api/v1/incidents/" + ref + "/evidence?size=50&sort=createdAt,desc")
                .json()
                .path("nextCursor")
                .asString();
        assertThat(olderLink).as("the page's cursor is the API's").contains("evidenceAfter=" + apiCursor);

        String item = first.iterator().next();
        for (int i = 0; i < 55; i++) {
            assertThat(admin.postJson(
                                    "/api/v1/evidence/" + item + "/custody",
                                    "{\"action\":\"note\",\"details\":\"step " + i + " " + hostile + "\"}")
                            .status())
                    .isEqualTo(201);
        }
        long entries = jdbc.sql("select count(*) from evidence_custody where evidence_id = ?::uuid")
                .param(item)
                .query(Long.class)
                .single();
        String evidencePage = s.get("/incidents/" + ref + "/evidence/" + item).body();
        assertThat(evidencePage).doesNotContain(hostile).contains("step 54 &lt;img src=x onerror=alert(1)&gt;");
        assertThat(evidencePage).contains("Newest first: 50 of " + entries + " custody entries shown.");
        assertThat(custodySeqs(evidencePage)).hasSize(50);
        TestApi.Response olderCustody = s.get(link(evidencePage, "custody-older"));
        assertThat(olderCustody.body())
                .contains("Newest entries", "step 0 &lt;img")
                .doesNotContain("step 54 ");
        Set<Long> seqs = new HashSet<>(custodySeqs(evidencePage));
        seqs.addAll(custodySeqs(olderCustody.body()));
        assertThat(seqs).hasSize((int) entries);
        assertThat(s.get("/incidents/" + ref + "/evidence/" + item + "?custodyAfter=forged")
                        .status())
                .isEqualTo(400);
    }

    private static Set<String> evidenceIds(String html, String ref) {
        Set<String> ids = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "href=\"/incidents/" + ref + "/evidence/([0-9a-f-]{36})\"")
                .matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The sequence numbers in the custody table's first column. */
    private static List<Long> custodySeqs(String html) {
        String table = html.substring(html.indexOf("<table class=\"custody\">"));
        table = table.substring(0, table.indexOf("</table>"));
        List<Long> seqs = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("<tr>\\s*<td>(\\d+)</td>").matcher(table);
        while (m.find()) {
            seqs.add(Long.parseLong(m.group(1)));
        }
        return seqs;
    }

    private static Set<String> alertIds(String html) {
        Set<String> ids = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"/alerts/([0-9a-f-]{36})\"")
                .matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static String link(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertThat(at).as(id).isGreaterThan(0);
        int href = html.indexOf("href=\"", at) + 6;
        String url = html.substring(href, html.indexOf('"', href)).replace("&amp;", "&");
        return url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
    }
}
