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
    }
}
