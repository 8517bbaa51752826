package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The events search page: results for a query, one event's page, and log text shown as text, never as markup. */
@VigilServerTest
class EventPagesTest {
    @LocalServerPort
    int port;

    @Test
    void searchAndEventPagesShowStoredEventsEscaped() throws Exception {
        String marker = "pg" + UUID.randomUUID().toString().replace("-", "");
        String payload = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        TestApi api = TestApi.admin(port);
        String body = "{\"marker\":\"%s\",\"msg\":\"%s\"}\n".formatted(marker, payload.replace("\"", "\\\""));
        assertThat(api.post("/api/v1/ingest/web-page-test", "application/x-ndjson", body)
                        .status())
                .isEqualTo(200);
        String q = URLEncoder.encode("marker:" + marker, StandardCharsets.UTF_8);
        for (int i = 0;
                i < 300
                        && api.get("/api/v1/events/search?q=" + q)
                                        .json()
                                        .get("total")
                                        .asLong()
                                < 1;
                i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        long id = api.get("/api/v1/events/search?q=" + q)
                .json()
                .get("events")
                .get(0)
                .get("id")
                .asLong();

        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response list = admin.get("/events?q=" + q + "&range=1h");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body())
                .contains("/events/" + id, "1</span> events")
                .doesNotContain("<script>alert(1)", "<img src=x")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        TestApi.Response one = admin.get("/events/" + id);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).doesNotContain("<script>alert(1)").contains("&lt;img src=x onerror=alert(2)&gt;");
        assertThat(admin.get("/").body()).contains("href=\"/events\"");

        TestApi.Response bad = admin.get("/events?q=" + URLEncoder.encode("marker:(", StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.body()).contains("invalid query");

        // a retro-hunt started from the page, with a pasted rule: progress, matches per rule, the matched event
        String rule = """
                title: Page hunt <b>test</b>
                id: %s
                status: test
                logsource:
                  product: testapp
                detection:
                  selection:
                    marker: '%s'
                  condition: selection
                level: medium
                """.formatted(UUID.randomUUID(), marker);
        assertThat(admin.get("/hunts").body()).contains("Start the hunt");
        TestApi.Response started = admin.postForm(
                "/hunts",
                "what=uploaded&range=1h&q=" + TestSession.enc("marker:" + marker) + "&yaml=" + TestSession.enc(rule));
        assertThat(started.status()).as(started.body()).isEqualTo(302);
        String huntPage = java.net.URI.create(started.header("Location")).getPath();
        assertThat(huntPage).startsWith("/hunts/");
        String hunt = admin.get(huntPage).body();
        for (int i = 0; i < 600 && !hunt.contains("Retro-hunt <span>done</span>"); i++) {
            assertThat(hunt).doesNotContain("<span>failed</span>");
            TimeUnit.MILLISECONDS.sleep(100);
            hunt = admin.get(huntPage).body();
        }
        assertThat(hunt)
                .contains("Retro-hunt <span>done</span>", "/events/" + id, "Page hunt &lt;b&gt;test&lt;/b&gt;")
                .doesNotContain("<b>test</b>");
        assertThat(admin.get("/hunts").body()).contains(huntPage);
        TestApi.Response broken =
                admin.postForm("/hunts", "what=uploaded&range=1h&yaml=" + TestSession.enc("title: x"));
        assertThat(broken.status()).isEqualTo(302);
        assertThat(admin.get("/hunts").body()).contains("class=\"error\"");

        // event integrity: the chain head, and a verification started from the page and shown with its outcome
        TestApi.Response integrity = admin.get("/events/integrity");
        assertThat(integrity.status()).isEqualTo(200);
        assertThat(integrity.body()).contains("Chain head", "Verify the whole store now");
        TestApi.Response verify = admin.postForm("/events/integrity", "");
        assertThat(verify.status()).isEqualTo(302);
        String verification = java.net.URI.create(verify.header("Location")).getPath();
        String v = admin.get(verification).body();
        for (int i = 0; i < 600 && v.contains("still running"); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
            v = admin.get(verification).body();
        }
        assertThat(v).contains("Verification: <span>clean</span>");
        assertThat(admin.get("/").body()).contains("href=\"/hunts\"", "href=\"/events/integrity\"");
    }
}
