package dev.vigil.server.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestEvents;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@VigilServerTest
class DetectionTest {
    private static final String SQLI_RULE = "b0c4d27f-0b86-4fb9-8c1b-6cae82e5dd62";

    @LocalServerPort
    int port;

    @Autowired
    DetectionService detection;

    @Autowired
    RuleService rules;

    @Autowired
    AlertService alerts;

    static String rule(String id, String title, String needle) {
        return """
                title: %s
                id: %s
                status: test
                logsource:
                  product: testapp
                detection:
                  selection:
                    message|contains: '%s'
                  condition: selection
                level: high
                tags:
                  - attack.execution
                """.formatted(title, id, needle);
    }

    @Test
    void theStarterRulesAreActiveOnFirstStart() {
        RuleSetStatus status = rules.status();
        assertThat(status.activeRules()).isGreaterThanOrEqualTo(15);
        assertThat(rules.get(SQLI_RULE)).hasValueSatisfying(r -> {
            assertThat(r.active()).isTrue();
            assertThat(r.tactics()).contains("initial-access");
        });
    }

    @Test
    void aMatchingEventBecomesAnAlertWithEntitiesAndRuleStats() {
        String source = "web-" + UUID.randomUUID();
        detection.process(List.of(
                TestEvents.ingested(
                        source,
                        "shop",
                        Map.of(
                                "c-ip", "198.51.100.23",
                                "cs-method", "GET",
                                "cs-uri-stem", "/products",
                                "cs-uri-query", "id=1' UNION SELECT password FROM users--",
                                "sc-status", 200)),
                TestEvents.ingested(source, "shop", Map.of("c-ip", "198.51.100.24", "cs-uri-stem", "/"))));

        List<Alert> raised = alerts.find(new AlertQuery(null, null, source, null, null, null, null, null, 0, 10))
                .items();
        assertThat(raised).hasSize(1);
        Alert a = raised.getFirst();
        assertThat(a.ruleId()).isEqualTo(SQLI_RULE);
        assertThat(a.application()).isEqualTo("shop");
        assertThat(a.entities()).containsEntry("src_ip", "198.51.100.23");
        assertThat(a.event()).contains("UNION SELECT");
        assertThat(rules.get(SQLI_RULE).orElseThrow().stats().matches()).isGreaterThanOrEqualTo(1);
        assertThat(rules.get(SQLI_RULE).orElseThrow().stats().lastMatch()).isNotNull();
    }

    @Test
    void rulesAreImportedThroughTheApiWithRefusalsReported() {
        TestApi api = TestApi.admin(port);
        String id = UUID.randomUUID().toString();
        String broken = """
                title: Broken
                id: %s
                logsource:
                  product: testapp
                detection:
                  selection:
                    message|nosuchmodifier: x
                  condition: selection
                """.formatted(UUID.randomUUID());
        TestApi.Response r = api.post(
                "/api/v1/rules/import?origin=team/rules.yml",
                "application/yaml",
                rule(id, "Test rule", "evil-marker") + "---\n" + broken);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = r.json();
        assertThat(result.get("added").asInt()).isEqualTo(1);
        assertThat(result.get("refused").size()).isEqualTo(1);
        assertThat(result.get("refused").get(0).get("reason").asString()).isNotBlank();

        String source = "app-" + UUID.randomUUID();
        detection.process(List.of(TestEvents.ingested(source, null, Map.of("message", "an evil-marker here"))));
        assertThat(alerts.find(new AlertQuery(null, id, null, null, null, null, null, null, 0, 10))
                        .total())
                .isEqualTo(1);

        // Disable: no more alerts from it; enable again.
        assertThat(api.post("/api/v1/rules/" + id + "/disable", "application/json", "")
                        .json()
                        .get("active")
                        .asBoolean())
                .isFalse();
        detection.process(List.of(TestEvents.ingested(source, null, Map.of("message", "an evil-marker again"))));
        assertThat(alerts.find(new AlertQuery(null, id, null, null, null, null, null, null, 0, 10))
                        .total())
                .isEqualTo(1);
        assertThat(api.post("/api/v1/rules/" + id + "/enable", "application/json", "")
                        .json()
                        .get("active")
                        .asBoolean())
                .isTrue();

        // Re-importing the same text changes nothing.
        JsonNode again = api.post(
                        "/api/v1/rules/import?origin=team/rules.yml",
                        "application/yaml",
                        rule(id, "Test rule", "evil-marker") + "---\n" + broken)
                .json();
        assertThat(again.get("unchanged").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/rules/" + id + "/source").body()).contains("evil-marker");
        assertThat(api.delete("/api/v1/rules/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/rules/" + id).status()).isEqualTo(404);
    }

    @Test
    void aZipArchiveIsImportedWithItsBadEntriesReported() throws IOException {
        String id = UUID.randomUUID().toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("rules/linux/a.yml"));
            zip.write(rule(id, "Zipped rule", "zip-marker").getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("rules/README.md"));
            zip.write("not a rule".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("rules/bad-utf8.yml"));
            zip.write(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        }
        JsonNode result = TestApi.admin(port)
                .post("/api/v1/rules/import?origin=sigma.zip", "application/zip", bytes.toByteArray())
                .json();
        assertThat(result.get("added").asInt()).isEqualTo(1);
        assertThat(result.get("refused").toString()).contains("not valid UTF-8");
        assertThat(rules.get(id))
                .hasValueSatisfying(r -> assertThat(r.origin()).isEqualTo("sigma.zip!/rules/linux/a.yml"));
    }

    @Test
    void aChangeThatWouldLeaveZeroRulesIsRefusedAndChangesNothing() {
        List<DetectionRule> enabled =
                rules.list().stream().filter(DetectionRule::enabled).toList();
        List<DetectionRule> disabled = new java.util.ArrayList<>();
        try {
            DetectionRule refusedRule = null;
            for (DetectionRule r : enabled) {
                TestApi.Response response =
                        TestApi.admin(port).post("/api/v1/rules/" + r.ref() + "/disable", "application/json", "");
                if (response.status() == 409) {
                    assertThat(response.body()).contains("zero active detection rules");
                    refusedRule = r;
                    break;
                }
                assertThat(response.status()).isEqualTo(200);
                disabled.add(r);
            }
            assertThat(refusedRule).as("one disable was refused").isNotNull();
            assertThat(rules.get(refusedRule.ref()).orElseThrow().enabled()).isTrue();
            assertThat(rules.status().activeRules()).isGreaterThanOrEqualTo(1);
            assertThat(TestApi.admin(port)
                            .post("/api/v1/rules/reload", "application/json", "")
                            .status())
                    .isEqualTo(200);
        } finally {
            for (DetectionRule r : disabled) {
                rules.setEnabled(r.ref(), true);
            }
        }
        assertThat(rules.status().activeRules()).isGreaterThanOrEqualTo(15);
    }

    @Test
    void hotReloadsSwapTheRuleSetWhileIntakeThreadsKeepProcessing() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> workers = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        detection.process(List.of(
                                TestEvents.ingested("reload", null, Map.of("message", "nothing to see", "n", 1)),
                                TestEvents.ingested("reload", null, Map.of("EventID", 4624))));
                        batches.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                        return;
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        String id = UUID.randomUUID().toString();
        try {
            for (int round = 0; round < 4; round++) {
                long before = batches.get();
                rules.importRules(
                        List.of(new RuleFile("reload/round.yml", rule(id, "Round " + round, "round-" + round))));
                rules.reload();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (batches.get() == before && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(batches.get())
                        .as("intake kept going during reload " + round)
                        .isGreaterThan(before);
            }
        } finally {
            stop.set(true);
            for (Thread t : workers) {
                t.join(10_000);
            }
        }
        assertThat(failures).isEmpty();
        // The last imported version is the one that runs.
        String source = "reload-" + UUID.randomUUID();
        detection.process(List.of(
                TestEvents.ingested(source, null, Map.of("message", "round-0 only")),
                TestEvents.ingested(source, null, Map.of("message", "round-3 now"))));
        List<Alert> raised = alerts.find(new AlertQuery(null, id, source, null, null, null, null, null, 0, 10))
                .items();
        assertThat(raised)
                .singleElement()
                .satisfies(a -> assertThat(a.ruleTitle()).isEqualTo("Round 3"));
        rules.delete(id);
    }

    @Test
    void badImportsGetAClearError() {
        TestApi api = TestApi.admin(port);
        TestApi.Response empty = api.post("/api/v1/rules/import", "application/yaml", "");
        assertThat(empty.status()).isEqualTo(400);
        TestApi.Response garbage = api.post("/api/v1/rules/import", "application/yaml", "::: not yaml [");
        assertThat(garbage.status()).isEqualTo(200);
        assertThat(garbage.json().get("added").asInt()).isZero();
        assertThat(garbage.json().get("refused").size()).isGreaterThanOrEqualTo(1);
    }
}
