package dev.vigil.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The store through the running server: events sent to the HTTP intake are durable when acknowledged, searchable by
 * field, linked to the alerts they raised, exportable, and countable per field.
 */
@VigilServerTest
class EventStoreIntegrationTest {
    @LocalServerPort
    int port;

    @Autowired
    AlertService alerts;

    @Autowired
    EventStore store;

    TestApi api() {
        return TestApi.admin(port);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    JsonNode search(String q) {
        TestApi.Response r = api().get("/api/v1/events/search?q=" + enc(q) + "&size=100");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void acknowledgedEventsAreSearchableAndLinkedToTheirAlerts() throws Exception {
        String marker = "m" + UUID.randomUUID().toString().replace("-", "");
        String ruleId = UUID.randomUUID().toString();
        String rule = """
                title: Event store link test
                id: %s
                status: test
                logsource:
                  product: testapp
                detection:
                  selection:
                    message|contains: 'evil-%s'
                  condition: selection
                level: high
                """.formatted(ruleId, marker);
        assertThat(api().post("/api/v1/rules/import?origin=events-test/" + marker + ".yml", "application/yaml", rule)
                        .status())
                .isEqualTo(200);

        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String msg = i == 7 ? "an evil-" + marker + " thing" : "fine " + i;
            body.append("{\"marker\":\"%s\",\"i\":%d,\"host\":\"h%d\",\"message\":\"%s\"}\n"
                    .formatted(marker, i, i % 3, msg));
        }
        TestApi.Response ingest = api().post("/api/v1/ingest/" + marker, "application/x-ndjson", body.toString());
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);

        await(() -> search("marker:" + marker).get("total").asLong() == 20, "the 20 events are searchable");
        JsonNode page = search("marker:" + marker + " AND i:[5 TO 9]");
        assertThat(page.get("total").asLong()).isEqualTo(5);
        assertThat(search("marker:" + marker + " AND host:H1").get("total").asLong())
                .isEqualTo(7);

        await(
                () -> alerts.find(new AlertQuery(null, ruleId, null, null, null, null, null, null, 0, 10))
                                .total()
                        == 1,
                "the alert is raised");
        Alert alert = alerts.find(new AlertQuery(null, ruleId, null, null, null, null, null, null, 0, 10))
                .items()
                .get(0);
        assertThat(alert.eventId()).isNotNull();
        JsonNode evil = search("marker:" + marker + " AND i:7").get("events").get(0);
        assertThat(evil.get("id").asLong()).isEqualTo(alert.eventId());
        assertThat(evil.get("alerts").get(0).asString()).isEqualTo(alert.id().toString());
        assertThat(evil.get("event").get("message").asString()).contains("evil-" + marker);
        assertThat(evil.get("raw").asString()).contains("\"i\":7");

        JsonNode one = api().get("/api/v1/events/" + alert.eventId()).json();
        assertThat(one.get("source").asString()).isEqualTo("default-http");
        assertThat(api().get("/api/v1/events/99999999999").status()).isEqualTo(404);
        List<Long> ids = new ArrayList<>();
        for (JsonNode e : page.get("events")) {
            ids.add(e.get("id").asLong());
        }
        JsonNode byIds =
                api().postJson("/api/v1/events/by-ids", "{\"ids\":" + ids + "}").json();
        assertThat(byIds.size()).isEqualTo(5);
        TestApi.Response nullId = api().postJson("/api/v1/events/by-ids", "{\"ids\":[" + ids.get(0) + ",null]}");
        assertThat(nullId.status()).as(nullId.body()).isEqualTo(400);
        assertThat(nullId.body()).contains("ids");

        TestApi.Response bad = api().get("/api/v1/events/search?q=" + enc("marker:(unclosed"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid query");
    }

    @Test
    void exportsStreamEveryMatchAsNdjsonOrCsvAndStatsCountFields() throws Exception {
        String marker = "x" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            body.append("{\"marker\":\"%s\",\"i\":%d,\"user\":\"%s\",\"cmd\":\"=HYPERLINK(\\\"x\\\")\"}\n"
                    .formatted(marker, i, i % 10 == 0 ? "root" : "alice"));
        }
        assertThat(api().post("/api/v1/ingest/" + marker, "application/x-ndjson", body.toString())
                        .status())
                .isEqualTo(200);
        await(() -> search("marker:" + marker).get("total").asLong() == 1500, "all 1500 are searchable");

        TestApi.Response nd = api().get("/api/v1/events/export?q=" + enc("marker:" + marker) + "&order=oldest");
        assertThat(nd.status()).isEqualTo(200);
        String[] lines = nd.body().split("\n");
        assertThat(lines).hasSize(1500);
        assertThat(lines[0]).contains("\"i\":0");
        assertThat(lines[1499]).contains("\"i\":1499");

        TestApi.Response csv = api().get("/api/v1/events/export?format=csv&fields=user,cmd&limit=3&order=oldest&q="
                + enc("marker:" + marker));
        String[] rows = csv.body().split("\r\n");
        assertThat(rows).hasSize(4);
        assertThat(rows[0]).isEqualTo("id,time,receivedAt,source,application,raw,user,cmd");
        assertThat(rows[1]).endsWith(",root,\"'=HYPERLINK(\"\"x\"\")\"");

        JsonNode stats = api().get("/api/v1/events/stats?fields=user&q=" + enc("marker:" + marker))
                .json();
        assertThat(stats.get("total").asLong()).isEqualTo(1500);
        assertThat(stats.get("exact").asBoolean()).isTrue();
        assertThat(stats.get("fields").get(0).get("top").get(0).get("value").asString())
                .isEqualTo("alice");
        assertThat(stats.get("fields").get(0).get("top").get(0).get("count").asLong())
                .isEqualTo(1350);

        JsonNode status = api().get("/api/v1/events/status").json();
        assertThat(status.get("lastId").asLong()).isGreaterThanOrEqualTo(1500);
        assertThat(status.get("healthy").asBoolean()).isTrue();
    }

    @Test
    void aStoredEventIsKeptAsIncidentEvidenceWithTheHashOfItsCanonicalJson() throws Exception {
        String marker = "e" + UUID.randomUUID().toString().replace("-", "");
        assertThat(api().post(
                                "/api/v1/ingest/" + marker,
                                "application/x-ndjson",
                                "{\"marker\":\"%s\",\"b\":{\"z\":1,\"a\":2},\"user\":\"<b>eve</b>\"}\n"
                                        .formatted(marker))
                        .status())
                .isEqualTo(200);
        await(() -> search("marker:" + marker).get("total").asLong() == 1, "the event is searchable");
        long id = search("marker:" + marker).get("events").get(0).get("id").asLong();
        TestApi.Response inc = api().postJson(
                        "/api/v1/incidents",
                        "{\"title\":\"Evidence from the store\",\"severity\":\"low\",\"priority\":5}");
        assertThat(inc.status()).as(inc.toString()).isEqualTo(201);
        String ref = inc.json().path("reference").asString();

        TestApi.Response kept = api().postJson("/api/v1/events/" + id + "/evidence", "{\"incident\":\"" + ref + "\"}");
        assertThat(kept.status()).as(kept.toString()).isEqualTo(201);
        String evidenceId = kept.json().get("id").asString();
        TestApi.Response content = api().get("/api/v1/evidence/" + evidenceId + "/content");
        assertThat(content.status()).as(content.toString()).isEqualTo(200);
        // canonical: keys sorted at every level, so anyone can recompute the hash from the stored event
        assertThat(content.body()).startsWith("{\"application\":").contains("\"b.a\":2,\"b.z\":1");
        assertThat(content.body()).contains("\"id\":" + id + ",");
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(content.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(kept.json().get("sha256").asString()).isEqualTo(sha);

        assertThat(api().postJson("/api/v1/events/999999999/evidence", "{\"incident\":\"" + ref + "\"}")
                        .status())
                .isEqualTo(404);
        assertThat(api().postJson("/api/v1/events/" + id + "/evidence", "{\"incident\":\"INC-1900-0001\"}")
                        .status())
                .isEqualTo(404);
    }
}
