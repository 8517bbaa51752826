package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The incident pages at the HTML level: they render for a signed-in user, text from people and logs (titles, timeline
 * entries, observables) is escaped, changes need the write permission and the CSRF token, and the forms change the
 * incident through the same services as the API (status, timeline, RCA, submissions).
 */
@VigilServerTest
class IncidentPagesTest {
    private static final String HOSTILE = "<script>alert('t')</script><img src=x onerror=alert(1)>";

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    private String incident(TestApi admin, String title, String severity) {
        TestApi.Response r = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":"
                        + tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .writeValueAsString(title)
                        + ",\"severity\":\"" + severity + "\",\"priority\":2,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("reference").asString();
    }

    @Test
    void thePagesRenderAndEscapeWhatPeopleAndLogsWrote() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Hostile " + HOSTILE, "high");
        TestSession s = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(s.postForm(
                                "/incidents/" + ref + "/timeline",
                                "kind=note&summary=" + TestSession.enc(HOSTILE) + "&details="
                                        + TestSession.enc(HOSTILE))
                        .status())
                .isEqualTo(302);
        assertThat(s.postForm(
                                "/incidents/" + ref + "/observables",
                                "kind=url&value=" + TestSession.enc("javascript:alert(1)//" + HOSTILE) + "&ioc=true")
                        .status())
                .isEqualTo(302);
        admin.post(
                "/api/v1/incidents/" + ref + "/evidence?name=" + TestSession.enc("<b>x</b>.txt"),
                "application/octet-stream",
                "evidence".getBytes());

        for (String page : List.of(
                "/incidents",
                "/incidents?state=all&severity=high&deadline=pending",
                "/incidents/new",
                "/incidents/" + ref)) {
            TestApi.Response r = s.get(page);
            assertThat(r.status()).as(page).isEqualTo(200);
            assertThat(r.body()).as(page).doesNotContain("th:", "<script>alert", "<img src=x", "href=\"javascript:");
        }
        String detail = s.get("/incidents/" + ref).body();
        assertThat(detail)
                .contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
                .contains("Root-cause analysis", "Timeline", "Tasks", "Notification deadlines", "Evidence");
        assertThat(detail.split("<script", -1)).as("only Vigil's own scripts").hasSize(3);
        JsonNode items = admin.get("/api/v1/incidents/" + ref + "/evidence").json();
        JsonNode first = items.isArray() ? items.get(0) : items.path("items").get(0);
        String evidencePage = s.get(
                        "/incidents/" + ref + "/evidence/" + first.path("id").asString())
                .body();
        assertThat(evidencePage)
                .contains("Chain of custody", "collected", first.path("sha256").asString());
        assertThat(s.get("/incidents/INC-999999999").status()).isEqualTo(404);
        // An upload form posted without a multipart body is the caller's mistake: 400, not a server error.
        for (String upload : List.of("/incidents/" + ref + "/evidence", "/incidents/" + ref + "/timeline/import")) {
            TestApi.Response notMultipart = s.postForm(upload, "description=x");
            assertThat(notMultipart.status())
                    .as(upload + " " + notMultipart.body())
                    .isEqualTo(400);
            assertThat(notMultipart.body()).as(upload).contains("multipart");
        }

        // What people type into the settings is text there too.
        String cal = "hostile-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(s.postForm(
                                "/incidents/settings/calendars",
                                "key=" + cal + "&name=" + TestSession.enc(HOSTILE) + "&zone=UTC&weekend=SUNDAY"
                                        + "&holidays=" + TestSession.enc("2027-01-04 " + HOSTILE))
                        .status())
                .isEqualTo(302);
        String settings = s.get("/incidents/settings").body();
        assertThat(settings).contains(cal, "2027-01-04").doesNotContain("<script>alert", "<img src=x");
        TestApi.Response bad =
                s.postForm("/incidents/settings/calendars", "key=" + cal + "&name=x&zone=Mars%2FOlympus");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown time zone");
        TestApi.Response badYaml =
                s.postForm("/incidents/settings/obligations", "yaml=" + TestSession.enc("key: x\nbogus: 1"));
        assertThat(badYaml.status()).isEqualTo(400);
        assertThat(badYaml.body()).contains("obligation template");
    }

    @Test
    void changesNeedTheWritePermissionAndTheCsrfToken() {
        TestApi admin = TestApi.admin(port);
        String ref = incident(admin, "Permission check", "low");
        String viewer = "ir-viewer-" + UUID.randomUUID().toString().substring(0, 6);
        users.create(new UserRequest(viewer, "Viewer", null, Set.of("viewer"), true, "viewer-password-1"));
        TestSession v = TestSession.signedIn(port, viewer, "viewer-password-1");
        TestApi.Response page = v.get("/incidents/" + ref);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("Add to the timeline", "Mark acknowledged", "Save the draft");
        assertThat(v.postForm("/incidents/" + ref + "/status", "to=acknowledged")
                        .status())
                .isEqualTo(403);
        assertThat(v.get("/incidents/new").status()).isEqualTo(403);
        assertThat(page.body()).doesNotContain("merge-form", "link-form", "split-form");
        String form =
                "other=INC-1&direction=into-this&alert=" + UUID.randomUUID() + "&yaml=key%3A+x&key=x&name=x&zone=UTC";
        for (String path : List.of(
                "/incidents/" + ref + "/merge",
                "/incidents/" + ref + "/links",
                "/incidents/" + ref + "/links/remove",
                "/incidents/" + ref + "/split",
                "/incidents/" + ref + "/pages/" + UUID.randomUUID() + "/acknowledge",
                "/incidents/settings/obligations",
                "/incidents/settings/calendars")) {
            assertThat(v.postForm(path, form).status()).as(path).isEqualTo(403);
        }
        // A responder works incidents but does not configure how they are handled.
        String responder = "ir-resp-" + UUID.randomUUID().toString().substring(0, 6);
        users.create(new UserRequest(responder, "Responder", null, Set.of("responder"), true, "resp-password-1"));
        TestSession r = TestSession.signedIn(port, responder, "resp-password-1");
        assertThat(r.postForm("/incidents/settings/obligations", form).status()).isEqualTo(403);
        assertThat(r.postForm("/incidents/settings/calendars", form).status()).isEqualTo(403);
        assertThat(r.get("/incidents/settings").body())
                .doesNotContain("Save the new obligation", "Save the new calendar");

        TestSession a = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response noCsrf = a.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/incidents/" + ref + "/status"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("to=acknowledged")));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/incidents/" + ref).json().path("status").asString())
                .isEqualTo("new");
    }

    @Test
    void theFormsDriveTheIncidentToClosedAndRefuseWhatIsMissing() {
        TestApi admin = TestApi.admin(port);
        TestSession s = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response created = s.postForm(
                "/incidents",
                "title=" + TestSession.enc("Laptop stolen from a car") + "&severity=high&priority=2"
                        + "&classification=" + TestSession.enc("other/undetermined"));
        assertThat(created.status()).isEqualTo(302);
        String ref = created.header("Location").replaceAll(".*/incidents/", "");
        assertThat(ref).startsWith("INC-");

        assertThat(s.postForm("/incidents/" + ref + "/status", "to=resolved").status())
                .isEqualTo(302);
        TestApi.Response refused = s.postForm("/incidents/" + ref + "/status", "to=closed");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("root-cause analysis", "outcome");

        assertThat(s.postForm(
                                "/incidents/" + ref,
                                "outcome=true-positive-without-impact&title="
                                        + TestSession.enc("Laptop stolen from a car"))
                        .status())
                .isEqualTo(302);
        // An incomplete RCA cannot be marked complete; the draft is kept.
        TestApi.Response incomplete = s.postForm(
                "/incidents/" + ref + "/rca", "summary=" + TestSession.enc("Left in a car") + "&submit=complete");
        assertThat(incomplete.status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/incidents/" + ref + "/rca")
                        .json()
                        .path("summary")
                        .asString())
                .isEqualTo("Left in a car");
        TestApi.Response bad = s.postForm(
                "/incidents/" + ref + "/rca",
                "summary=x&causeDescription=y&action=z&actionDue=" + TestSession.enc("next week"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("is not a date");
        TestApi.Response rca = s.postForm(
                "/incidents/" + ref + "/rca",
                "summary=" + TestSession.enc("Laptop left visible in a parked car")
                        + "&causeCategory=people&causeDescription=" + TestSession.enc("Device left in sight")
                        + "&causeCategory=process&causeDescription="
                        + "&factors=" + TestSession.enc("No cable lock\n\nNo reminder")
                        + "&action=" + TestSession.enc("Awareness mail on travelling with devices")
                        + "&actionOwner=security&actionDue=2030-01-31&actionStatus=open"
                        + "&action=&actionOwner=&actionDue=&actionStatus=open"
                        + "&lessons=" + TestSession.enc("Full-disk encryption saved us")
                        + "&submit=complete");
        assertThat(rca.status()).as(rca.body()).isEqualTo(302);
        JsonNode stored = admin.get("/api/v1/incidents/" + ref + "/rca").json();
        assertThat(stored.path("causes")).hasSize(1);
        assertThat(stored.path("contributingFactors")).hasSize(2);
        assertThat(stored.path("correctiveActions").get(0).path("due").asString())
                .isEqualTo("2030-01-31");
        assertThat(stored.path("completedAt").isNull()).isFalse();

        String blockers =
                admin.get("/api/v1/incidents/" + ref + "/closure-blockers").body();
        if (blockers.contains("notification")) {
            for (JsonNode o :
                    admin.get("/api/v1/incidents/" + ref + "/obligations").json()) {
                s.postForm(
                        "/incidents/" + ref + "/obligations/" + o.path("id").asString() + "/not-required",
                        "reason=" + TestSession.enc("no personal data on the encrypted disk"));
            }
        }
        assertThat(s.postForm("/incidents/" + ref + "/status", "to=closed").status())
                .isEqualTo(302);
        JsonNode closed = admin.get("/api/v1/incidents/" + ref).json();
        assertThat(closed.path("status").asString()).isEqualTo("closed");
        // The report links on the page work from the signed-in session (a browser accepts */*).
        assertThat(s.request("GET", "/api/v1/incidents/" + ref + "/report.md", "text/html,*/*;q=0.8", false)
                        .body())
                .contains("Laptop left visible in a parked car", "Awareness mail on travelling with devices");
    }

    @Test
    void theSettingsPageShowsAndChangesTriagePlaybooksTaxonomyAndStakeholders() {
        TestSession s = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response page = s.get("/incidents/settings");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .doesNotContain("th:")
                .contains("web-application-exploitation", "Web application compromise", "Intrusions", "GDPR");
        assertThat(s.get("/incidents/settings/playbooks/phishing").body()).contains("Phishing", "YAML");

        // An invalid triage document changes nothing.
        TestApi admin = TestApi.admin(port);
        String before = admin.get("/api/v1/incident-config/triage-rules").body();
        TestApi.Response invalid = s.postForm(
                "/incidents/settings/triage",
                "replace=true&yaml="
                        + TestSession.enc("rules:\n  - name: broken\n    then:\n      severity: apocalyptic\n"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/incident-config/triage-rules").body()).isEqualTo(before);

        String type = "t" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(s.postForm(
                                "/incidents/settings/taxonomy",
                                "classKey=fraud&key=" + type + "&name=" + TestSession.enc("Gift card <b>fraud</b>")
                                        + "&active=true")
                        .status())
                .isEqualTo(302);
        String after = s.get("/incidents/settings").body();
        assertThat(after).contains(type, "Gift card &lt;b&gt;fraud&lt;/b&gt;");
        assertThat(s.postForm(
                                "/incidents/settings/stakeholders/legal/contacts",
                                "name=" + TestSession.enc("Lena Legal") + "&email=lena%40example.org")
                        .status())
                .isEqualTo(302);
        assertThat(s.get("/incidents/settings").body()).contains("Lena Legal", "lena@example.org");
        String group = "g-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(s.postForm(
                                "/incidents/settings/stakeholders",
                                "key=" + group + "&name=" + TestSession.enc("Works <i>council</i>"))
                        .status())
                .isEqualTo(302);
        assertThat(s.get("/incidents/settings").body()).contains(group, "Works &lt;i&gt;council&lt;/i&gt;");
        assertThat(admin.get("/api/v1/incident-config/stakeholders").body()).contains(group);
        String klass = "c" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(s.postForm(
                                "/incidents/settings/taxonomy/classes",
                                "key=" + klass + "&name=" + TestSession.enc("Our <u>own</u>") + "&active=true")
                        .status())
                .isEqualTo(302);
        assertThat(s.get("/incidents/settings").body()).contains(klass, "Our &lt;u&gt;own&lt;/u&gt;");

        String viewer = "ir-settings-viewer-" + UUID.randomUUID().toString().substring(0, 6);
        users.create(new UserRequest(viewer, "Viewer", null, Set.of("viewer"), true, "viewer-password-1"));
        TestSession v = TestSession.signedIn(port, viewer, "viewer-password-1");
        assertThat(v.get("/incidents/settings").body()).doesNotContain("Save the triage rules", "Add contact");
        assertThat(v.postForm("/incidents/settings/taxonomy", "classKey=fraud&key=x&name=x")
                        .status())
                .isEqualTo(403);
        assertThat(v.postForm("/incidents/settings/stakeholders", "key=x&name=x")
                        .status())
                .isEqualTo(403);
    }
}
