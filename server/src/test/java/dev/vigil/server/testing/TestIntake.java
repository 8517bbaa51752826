package dev.vigil.server.testing;

import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raises alerts the way production does: a log source created through the API, one NDJSON event posted to
 * {@code /api/v1/ingest/{source}} with the source's own ingest token, and a wait until the alert is stored.
 */
public final class TestIntake {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestIntake() {}

    /** Creates an HTTP JSON web-server source ({@code category: webserver}); returns its ingest token. */
    public static String webSource(TestApi admin, String name) {
        TestApi.Response r = admin.postJson(
                "/api/v1/sources",
                "{\"name\":\"" + name + "\",\"intake\":\"http\",\"parser\":\"json\","
                        + "\"logsource\":{\"category\":\"webserver\"}}");
        if (r.status() != 201) {
            throw new IllegalStateException("cannot create source " + name + ": " + r);
        }
        return r.json().path("token").path("token").asString();
    }

    /** Sends one event (a JSON object) and returns the id of the first alert it raised. */
    public static String raise(TestApi admin, String source, String token, String eventJson) {
        TestApi.Response r =
                admin.withToken(token).post("/api/v1/ingest/" + source, "application/x-ndjson", eventJson + "\n");
        if (r.status() != 200 || r.json().path("accepted").asInt() != 1) {
            throw new IllegalStateException("intake refused the event: " + r);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode items = admin.get("/api/v1/alerts?source=" + source).json().path("items");
            if (items.size() > 0) {
                return items.get(0).path("id").asString();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no alert from source " + source + " within 60 s");
    }

    /** An SQL-injection web request whose other fields carry HTML and script payloads. */
    public static String hostileWebEvent() {
        return JSON.createObjectNode()
                .put("c-ip", "203.0.113.7")
                .put("cs-method", "GET")
                .put("cs-uri-stem", "/search\"><img src=x onerror=alert('stem')>")
                .put("cs-uri-query", "q=1' union select <script>alert('query')</script>--")
                .put("cs-username", "<svg onload=alert('user')></svg>")
                .put("cs(Referer)", "javascript:alert('referer')")
                .put("cs(User-Agent)", "</code></pre><script>alert('agent')</script>")
                .put("sc-status", 200)
                .toString();
    }
}
