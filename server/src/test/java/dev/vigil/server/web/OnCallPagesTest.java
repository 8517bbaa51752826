package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The on-call pages at the HTML level: every page renders for an administrator with user-supplied names and page
 * titles carrying markup escaped; a viewer may read but not acknowledge (403, nothing changes); a form without the
 * CSRF token is refused; an invalid schedule shows its reason in the form.
 */
@VigilServerTest
class OnCallPagesTest {
    private static final String XSS = "<img src=x onerror=alert(1)>";

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    PagingService paging;

    @Test
    void onCallPagesEscapeUserDataAndWritesNeedThePermissionAndCsrf() {
        TestApi api = TestApi.admin(port);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        TestApi.Response person = api.postJson(
                "/api/v1/oncall/people", "{\"name\":\"" + XSS.replace("\"", "\\\"") + tag + "\",\"timeZone\":\"UTC\"}");
        assertThat(person.status()).as(person.toString()).isEqualTo(201);
        String userId = person.json().get("userId").asString();
        TestApi.Response schedule = api.postJson(
                "/api/v1/oncall/schedules",
                "{\"name\":\"S " + tag + " <b>x</b>\",\"timeZone\":\"Europe/Berlin\",\"layers\":[{\"name\":\"l\","
                        + "\"rotation\":{\"type\":\"weekly\"},\"start\":\"2026-01-05T09:00\",\"participants\":[\""
                        + userId + "\"]}]}");
        assertThat(schedule.status()).as(schedule.toString()).isEqualTo(201);
        String scheduleId = schedule.json().get("id").asString();
        TestApi.Response policy = api.postJson(
                "/api/v1/oncall/policies",
                "{\"name\":\"P " + tag + "\",\"steps\":[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\""
                        + userId + "\"}]}]}");
        assertThat(policy.status()).as(policy.toString()).isEqualTo(201);
        String policyId = policy.json().get("id").asString();
        String incident = "inc-" + tag;
        TestApi.Response started = api.postJson(
                "/api/v1/oncall/pages",
                "{\"subjectType\":\"incident\",\"subjectId\":\"" + incident + "\",\"title\":\""
                        + XSS.replace("\"", "\\\"") + "\",\"severity\":\"high\",\"policyId\":\"" + policyId + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        String pageId = started.json().get("id").asString();

        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        for (String path : List.of(
                "/oncall",
                "/oncall/pages",
                "/oncall/pages?incident=" + incident,
                "/oncall/pages?user=" + userId,
                "/oncall/pages/" + pageId,
                "/oncall/people/" + userId,
                "/oncall/schedules/" + scheduleId,
                "/oncall/schedules/" + scheduleId + "?view=month&date=2026-03-29",
                "/oncall/schedules/" + scheduleId + "/edit",
                "/oncall/schedules/new",
                "/oncall/policies/new",
                "/oncall/policies/" + policyId,
                "/oncall/checks",
                "/dashboard/widgets/oncall")) {
            TestApi.Response r = admin.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain("th:", "<img src=x", "<b>x</b>");
        }
        assertThat(admin.get("/oncall/pages?incident=" + incident).body()).contains("&lt;img src=x");
        assertThat(admin.get("/oncall/pages/" + pageId).body()).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(admin.get("/oncall/schedules/" + scheduleId).body()).contains("&lt;img src=x");
        assertThat(admin.get("/oncall/pages?incident=other-" + tag).body()).contains("No pages.");

        // leave from the UI: the calendar marks it, and the person's only layer leaves a gap
        TestApi.Response leave = admin.postForm(
                "/oncall/people/" + userId + "/leave",
                "start=2026-03-30T00%3A00&end=2026-04-01T00%3A00&reason=" + TestSession.enc("<i>holiday</i>"));
        assertThat(leave.status()).isIn(302, 303);
        String calendar = admin.get("/oncall/schedules/" + scheduleId + "?date=2026-03-30")
                .body();
        assertThat(calendar)
                .contains("on leave (&lt;i&gt;holiday&lt;/i&gt;)", "segment gap", "nobody (gap)")
                .doesNotContain("<i>holiday");

        // an invalid schedule: the form comes back with the reason and what was typed
        TestApi.Response invalid = admin.postForm(
                "/oncall/schedules",
                "name=Bad+" + tag + "&timeZone=Mars%2FOlympus&layer0.rotation=daily&layer0.name=x"
                        + "&layer0.start=2026-01-01T09%3A00&layer0.participants=nobody");
        assertThat(invalid.status()).isEqualTo(200);
        assertThat(invalid.body()).contains("unknown time zone", "value=\"Bad " + tag + "\"");

        // a viewer reads but may not acknowledge
        String viewer = "oncall-viewer-" + tag;
        users.create(new UserRequest(viewer, "Viewer", null, Set.of("viewer"), true, "viewer-password-1"));
        TestSession v = TestSession.signedIn(port, viewer, "viewer-password-1");
        assertThat(v.get("/oncall/pages/" + pageId).status()).isEqualTo(200);
        assertThat(v.get("/oncall/pages/" + pageId).body()).doesNotContain(">Acknowledge</button>");
        assertThat(v.postForm("/oncall/pages/" + pageId + "/acknowledge", "").status())
                .isEqualTo(403);
        assertThat(v.get("/oncall/schedules/new").status()).isEqualTo(403);
        // no CSRF token: refused
        TestApi.Response noCsrf = admin.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/oncall/pages/" + pageId + "/acknowledge"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("")));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(paging.get(UUID.fromString(pageId)).orElseThrow().status()).isEqualTo(PageStatus.TRIGGERED);
        // the administrator acknowledges; the change is audited
        TestApi.Response ack = admin.postForm("/oncall/pages/" + pageId + "/acknowledge", "");
        assertThat(ack.status()).isIn(302, 303);
        assertThat(paging.get(UUID.fromString(pageId)).orElseThrow().status()).isEqualTo(PageStatus.ACKNOWLEDGED);
        TestApi.Response audit = api.get("/api/v1/audit?objectType=page&objectId=" + pageId);
        assertThat(audit.body()).as(audit.toString()).contains("acknowledged");
    }
}
