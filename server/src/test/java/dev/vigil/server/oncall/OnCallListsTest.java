package dev.vigil.server.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The on-call and notification lists beyond paging itself (that is {@code ListPagingSweepTest}): a schedule's
 * overrides and a person's leave filtered by an overlapping time range, deliveries filtered by what they belong to
 * (their correlation: {@code page:<id>} for an on-call page's), and the pages that show overrides and leave a page at a
 * time with a link to the next. Real server, real PostgreSQL, HTTP.
 */
@VigilServerTest
class OnCallListsTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");

    private static Instant day(int d) {
        return JAN.plus(Duration.ofDays(d - 1));
    }

    private static String id(TestApi.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id") != null
                ? r.json().get("id").asString()
                : r.json().get("userId").asString();
    }

    private static List<String> field(JsonNode page, String name) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(i -> out.add(i.get(name).asString()));
        return out;
    }

    private String person(TestApi api, String name) {
        return id(api.postJson("/api/v1/oncall/people", "{\"name\":\"" + name + "\",\"timeZone\":\"UTC\"}"));
    }

    private String schedule(TestApi api, String person) {
        return id(api.postJson(
                "/api/v1/oncall/schedules",
                "{\"name\":\"lists " + UUID.randomUUID() + "\",\"timeZone\":\"UTC\",\"layers\":[{\"name\":\"l\","
                        + "\"rotation\":{\"type\":\"weekly\"},\"start\":\"2026-01-05T09:00\",\"participants\":[\""
                        + person + "\"]}]}"));
    }

    private String override(TestApi api, String schedule, String person, Instant start, Instant end, String reason) {
        return id(api.postJson(
                "/api/v1/oncall/schedules/" + schedule + "/overrides",
                "{\"kind\":\"override\",\"userId\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"%s\"}"
                        .formatted(person, start, end, reason)));
    }

    @Test
    void overridesAndLeaveAreFilteredByAnOverlappingRange() {
        TestApi api = TestApi.admin(port);
        String alice = person(api, "Alice");
        String schedule = schedule(api, alice);
        override(api, schedule, alice, day(1), day(3), "a");
        override(api, schedule, alice, day(2), day(5), "b");
        override(api, schedule, alice, day(10), day(11), "c");
        String overrides = "/api/v1/oncall/schedules/" + schedule + "/overrides";

        JsonNode all = api.get(overrides).json();
        assertThat(field(all, "reason")).containsExactly("a", "b", "c");
        assertThat(all.get("total").asInt()).isEqualTo(3);
        assertThat(all.get("sort").get(0).asString()).isEqualTo("start,asc");
        // [from, to) overlapping: ends after from and starts before to (touching ends do not overlap)
        assertThat(field(
                        api.get(overrides + "?from=" + day(4) + "&to=" + day(10))
                                .json(),
                        "reason"))
                .containsExactly("b");
        assertThat(field(api.get(overrides + "?from=" + day(3)).json(), "reason"))
                .containsExactly("b", "c");
        assertThat(field(api.get(overrides + "?to=" + day(2)).json(), "reason")).containsExactly("a");
        JsonNode window = api.get(overrides + "?from=" + day(2) + "&to=" + day(11) + "&size=2")
                .json();
        assertThat(window.get("total").asInt()).isEqualTo(3);
        assertThat(field(window, "reason")).containsExactly("a", "b");
        assertThat(field(
                        api.get(overrides + "?from=" + day(2) + "&to=" + day(11) + "&size=2&cursor="
                                        + window.get("nextCursor").asString())
                                .json(),
                        "reason"))
                .containsExactly("c");
        assertThat(field(api.get(overrides + "?sort=start,desc").json(), "reason"))
                .containsExactly("c", "b", "a");
        assertThat(field(api.get(overrides + "?from=" + day(20)).json(), "reason"))
                .isEmpty();
        // a range that is empty or inverted, a field that is not sortable, an unknown schedule
        TestApi.Response inverted = api.get(overrides + "?from=" + day(5) + "&to=" + day(4));
        assertThat(inverted.status()).isEqualTo(400);
        assertThat(inverted.body()).contains("'to' must be after 'from'");
        assertThat(api.get(overrides + "?from=not-a-time").status()).isEqualTo(400);
        assertThat(api.get(overrides + "?sort=end").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/oncall/schedules/" + UUID.randomUUID() + "/overrides")
                        .status())
                .isEqualTo(404);
        // the timeline still shows the overrides of its window
        assertThat(api.get("/api/v1/oncall/schedules/" + schedule + "/timeline?from=" + day(4) + "&to=" + day(10))
                        .json()
                        .get("overrides")
                        .size())
                .isEqualTo(1);

        String leave = "/api/v1/oncall/people/" + alice + "/leave";
        for (int[] p : new int[][] {{1, 2}, {5, 8}, {7, 9}}) {
            assertThat(api.postJson(
                                    leave,
                                    "{\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"%d-%d\"}"
                                            .formatted(day(p[0]), day(p[1]), p[0], p[1]))
                            .status())
                    .isEqualTo(201);
        }
        assertThat(field(api.get(leave).json(), "reason")).containsExactly("1-2", "5-8", "7-9");
        assertThat(field(api.get(leave + "?from=" + day(2) + "&to=" + day(6)).json(), "reason"))
                .containsExactly("5-8");
        assertThat(field(api.get(leave + "?from=" + day(8)).json(), "reason")).containsExactly("7-9");
        assertThat(field(api.get(leave + "?sort=start,desc&size=1").json(), "reason"))
                .containsExactly("7-9");
        assertThat(api.get(leave + "?from=" + day(3) + "&to=" + day(3)).status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/oncall/people/" + UUID.randomUUID() + "/leave")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void deliveriesAreFilteredByWhatTheyBelongTo() {
        TestApi api = TestApi.admin(port);
        String bob = person(api, "Bob");
        String channel = id(api.postJson(
                "/api/v1/notify/channels",
                "{\"userId\":\"" + bob + "\",\"name\":\"rec\",\"type\":\"test-record\",\"address\":\"bob\"}"));
        String policy = id(api.postJson(
                "/api/v1/oncall/policies",
                "{\"name\":\"lists-" + UUID.randomUUID() + "\",\"steps\":[{\"type\":\"notify\",\"targets\":"
                        + "[{\"type\":\"user\",\"id\":\"" + bob + "\"}]}]}"));
        String start = "{\"subjectType\":\"incident\",\"subjectId\":\"%s\",\"title\":\"t\",\"severity\":\"high\","
                + "\"policyId\":\"" + policy + "\"}";
        String first = id(api.postJson("/api/v1/oncall/pages", start.formatted("INC-" + UUID.randomUUID())));
        String second = id(api.postJson("/api/v1/oncall/pages", start.formatted("INC-" + UUID.randomUUID())));
        String deliveries = "/api/v1/notify/deliveries";

        // A real page's deliveries (the escalation engine's, sent through the recording channel) by its correlation.
        JsonNode ofFirst = Awaitility.await("the first page's delivery is sent")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> api.get(deliveries + "?correlation=page:" + first).json(),
                        p -> p.get("total").asInt() >= 1
                                && "sent"
                                        .equals(p.get("items")
                                                .get(0)
                                                .get("status")
                                                .asString()));
        for (JsonNode d : ofFirst.get("items")) {
            assertThat(d.get("correlation").asString()).isEqualTo("page:" + first);
            assertThat(d.get("recipient").asString()).isEqualTo(bob);
            assertThat(d.get("channelId").asString()).isEqualTo(channel);
        }
        JsonNode sent = ofFirst.get("items").get(0);
        assertThat(sent.get("attemptLog").get(0).get("outcome").asString()).isEqualTo("delivered");
        Awaitility.await("the second page's delivery")
                .atMost(Duration.ofSeconds(30))
                .until(() -> api.get(deliveries + "?correlation=page:" + second)
                                .json()
                                .get("total")
                                .asInt()
                        >= 1);
        assertThat(field(api.get(deliveries + "?correlation=page:" + second).json(), "correlation"))
                .containsOnly("page:" + second);
        // The page's history carries the same deliveries.
        assertThat(api.get("/api/v1/oncall/pages/" + first).body())
                .contains(sent.get("id").asString());

        // Many deliveries of one correlation, with attempts: walked by cursor, each once, attempts in order.
        String correlation = "page:" + UUID.randomUUID();
        Instant t0 = Instant.parse("2027-02-01T00:00:00Z");
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String status = i < 2 ? "failed" : "sent";
            jdbc.sql("""
                            insert into notify_deliveries (id, dedup_key, correlation, channel_id, channel_type,
                                recipient, kind, message, status, attempts, not_before, next_attempt_at, created_at)
                            values (?, ?, ?, ?, 'test-record', ?, 'page', '{}', ?, 2, ?, ?, ?)""")
                    .params(
                            id,
                            "lists-" + id,
                            correlation,
                            UUID.fromString(channel),
                            UUID.fromString(bob),
                            status,
                            Timestamp.from(t0),
                            Timestamp.from(t0),
                            Timestamp.from(t0.plusSeconds(i / 2))) // pairs share an instant: the id breaks ties
                    .update();
            for (int a = 2; a >= 1; a--) {
                jdbc.sql("""
                                insert into notify_attempts (delivery_id, attempt, at, outcome, detail, duration_ms)
                                values (?, ?, ?, ?, 'test', 5)""")
                        .params(id, a, Timestamp.from(t0.plusSeconds(a)), a == 1 ? "transient" : "delivered")
                        .update();
            }
        }
        List<String> walked = new ArrayList<>();
        JsonNode p =
                api.get(deliveries + "?correlation=" + correlation + "&size=3").json();
        assertThat(p.get("total").asInt()).isEqualTo(7);
        while (true) {
            for (JsonNode d : p.get("items")) {
                walked.add(d.get("id").asString());
                assertThat(d.get("correlation").asString()).isEqualTo(correlation);
                List<String> outcomes = new ArrayList<>();
                d.get("attemptLog").forEach(a -> outcomes.add(a.get("outcome").asString()));
                assertThat(outcomes).containsExactly("transient", "delivered");
            }
            if (p.get("nextCursor") == null) {
                break;
            }
            p = api.get(deliveries + "?correlation=" + correlation + "&size=3&cursor="
                            + p.get("nextCursor").asString())
                    .json();
        }
        List<String> expected = jdbc.sql(
                        "select id::text from notify_deliveries where correlation = ? order by created_at, id")
                .param(correlation)
                .query(String.class)
                .list();
        assertThat(walked).isEqualTo(expected).hasSize(7).doesNotHaveDuplicates();
        assertThat(field(
                        api.get(deliveries + "?correlation=" + correlation + "&status=failed")
                                .json(),
                        "id"))
                .containsExactlyInAnyOrder(ids.get(0).toString(), ids.get(1).toString());
        assertThat(api.get(deliveries + "?correlation=" + correlation + "&recipient=" + UUID.randomUUID())
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
        assertThat(api.get(deliveries + "?correlation=page:" + UUID.randomUUID())
                        .json()
                        .get("items")
                        .size())
                .isZero();
        // without a correlation: all of them, newest first on request
        JsonNode newest = api.get(deliveries + "?sort=createdAt,desc&size=1").json();
        assertThat(newest.get("total").asInt()).isGreaterThanOrEqualTo(9);
        assertThat(api.get(deliveries + "?status=lost").status()).isEqualTo(400);
        assertThat(api.get(deliveries + "?sort=status").status()).isEqualTo(400);
        assertThat(api.get(deliveries + "/" + ids.getFirst())
                        .json()
                        .get("attemptLog")
                        .size())
                .isEqualTo(2);
    }

    @Test
    void theOverridesTableAndTheLeaveListShowAPageWithAMoreLink() {
        TestApi api = TestApi.admin(port);
        String carol = person(api, "Carol");
        String schedule = schedule(api, carol);
        Instant monday = Instant.parse("2027-03-01T00:00:00Z");
        // 60 overrides in one week, and 55 leave entries from a future week on
        jdbc.sql("""
                        insert into oncall_overrides (id, schedule_id, kind, user_id, starts_at, ends_at, reason,
                            created_at, created_by)
                        select gen_random_uuid(), ?, 'override', ?, cast(? as timestamptz) + g * interval '1 hour',
                            cast(? as timestamptz) + g * interval '1 hour' + interval '30 minutes', 'ov-' || g, now(), 'test'
                        from generate_series(0, 59) g""")
                .params(
                        UUID.fromString(schedule),
                        UUID.fromString(carol),
                        Timestamp.from(monday),
                        Timestamp.from(monday))
                .update();
        Instant future = Instant.now().plus(Duration.ofDays(30));
        jdbc.sql("""
                        insert into oncall_leave (id, user_id, starts_at, ends_at, reason, created_at)
                        select gen_random_uuid(), ?, cast(? as timestamptz) + g * interval '1 day',
                            cast(? as timestamptz) + g * interval '1 day' + interval '2 hours', 'leave-' || g, now()
                        from generate_series(0, 54) g""")
                .params(UUID.fromString(carol), Timestamp.from(future), Timestamp.from(future))
                .update();

        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        String week =
                admin.get("/oncall/schedules/" + schedule + "?date=2027-03-01").body();
        assertThat(rows(week, ">ov-")).isEqualTo(50);
        assertThat(week).contains("60 in view in all", "id=\"overrides-more\"");
        String more = href(week, "overrides-more");
        assertThat(more).contains("date=2027-03-01", "overridesAfter=");
        String second = admin.get(more).body();
        assertThat(rows(second, ">ov-")).isEqualTo(10);
        assertThat(second).contains(">ov-50<", ">ov-59<").doesNotContain(">ov-49<", "id=\"overrides-more\"");
        assertThat(admin.get("/oncall/schedules/" + schedule + "?overridesAfter=forged")
                        .status())
                .isEqualTo(400);

        String person = admin.get("/oncall/people/" + carol).body();
        assertThat(rows(person, ">leave-")).isEqualTo(50);
        assertThat(person).contains("55 current and planned in all", "id=\"leave-more\"");
        String rest = admin.get(href(person, "leave-more")).body();
        assertThat(rows(rest, ">leave-")).isEqualTo(5);
        assertThat(rest).contains(">leave-54<").doesNotContain("id=\"leave-more\"");
    }

    private static int rows(String html, String marker) {
        int n = 0;
        for (int i = html.indexOf(marker); i >= 0; i = html.indexOf(marker, i + 1)) {
            n++;
        }
        return n;
    }

    private static String href(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertThat(at).as(id).isGreaterThanOrEqualTo(0);
        int h = html.indexOf("href=\"", at) + 6;
        return html.substring(h, html.indexOf('"', h)).replace("&amp;", "&");
    }
}
