package dev.vigil.server.detection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.RecordingAlertListener;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestEvents;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sigma correlations in the running server: events posted to the HTTP intake complete a starter correlation rule
 * (the engine's tick releases them once the stream is idle for the allowance, 3 s in tests), the firing is an alert
 * published as {@code AlertRaised}, the {@code generate: false} base rule counts its matches without raising alerts,
 * rules group by {@code vigil.application}, and the correlation state saved in PostgreSQL carries a window in
 * progress into a new engine (what a restart does).
 */
@VigilServerTest
class CorrelationTest {
    /** Starter rule "Admin Login Brute Force": 10 rejected admin logins from one c-ip within 5 minutes. */
    static final String ADMIN_BRUTE_FORCE = "1a55629a-dfeb-4214-84ee-d2ec2bad8f2a";

    /** Its base rule "Failed Admin Login" ({@code generate: false}: feeds the correlation, raises no alert). */
    static final String ADMIN_LOGIN_FAILURE = "40620f32-fa10-45f5-866a-0f5caa937435";

    @LocalServerPort
    int port;

    @Autowired
    AlertService alerts;

    @Autowired
    RuleService rules;

    @Autowired
    DefaultDetectionService detection;

    @Autowired
    ActiveRules active;

    @Autowired
    CorrelationDriver driver;

    @Autowired
    CorrelationState state;

    @Autowired
    RecordingAlertListener listener;

    @Autowired
    JdbcClient jdbc;

    static <T> T await(Supplier<T> probe, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** Alerts of a rule, those with {@code entity} among their entity values when it is given. */
    List<Alert> alertsOf(String rule, String entity) {
        return alerts.find(new AlertQuery(null, rule, null, null, null, null, null, null, 0, 500)).items().stream()
                .filter(a -> entity == null || a.entities().containsValue(entity))
                .toList();
    }

    long matches(String ref) {
        return rules.get(ref).orElseThrow().stats().matches();
    }

    @Test
    void aBruteForcePostedToTheIntakeRaisesOneCorrelationAlert() {
        TestApi admin = TestApi.admin(port);
        String name = "shop-web-" + UUID.randomUUID();
        String app = "shop-" + UUID.randomUUID();
        TestApi.Response created = admin.postJson(
                "/api/v1/sources",
                "{\"name\":\"" + name + "\",\"intake\":\"http\",\"parser\":\"json\",\"application\":\"" + app
                        + "\",\"logsource\":{\"category\":\"webserver\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().path("token").path("token").asString();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
        long before = matches(ADMIN_LOGIN_FAILURE);

        StringBuilder ndjson = new StringBuilder();
        // event times at the present: the watermark is shared by all sources (latest event time minus the allowance),
        // so records older than what other tests just sent would be late
        Instant t = Instant.now();
        for (int i = 0; i < 12; i++) {
            ndjson.append("{\"@timestamp\":\"")
                    .append(t.plusMillis(i * 10L))
                    .append("\",\"c-ip\":\"")
                    .append(ip)
                    .append("\",\"cs-method\":\"POST\",\"cs-uri-stem\":\"/admin/login\",\"sc-status\":401}\n");
        }
        TestApi.Response r1 =
                admin.withToken(token).post("/api/v1/ingest/" + name, "application/x-ndjson", ndjson.toString());
        assertThat(r1.status()).as(r1.body()).isEqualTo(200);
        assertThat(r1.json().path("accepted").asInt()).isEqualTo(12);

        // no later event arrives: the tick releases the held-back detections after the allowance
        Alert alert =
                await(() -> alertsOf(ADMIN_BRUTE_FORCE, ip).stream().findFirst().orElse(null), "the correlation alert");
        assertThat(alert.ruleTitle()).isEqualTo("Admin Login Brute Force");
        assertThat(alert.entities()).containsEntry("c-ip", ip);
        assertThat(alert.application()).isEqualTo(app);
        assertThat(alert.correlation()).contains("\"groupKey\"").contains(ip).contains(ADMIN_LOGIN_FAILURE);
        await(
                () -> listener.received().stream()
                        .filter(e -> e.alertId().equals(alert.id()))
                        .findFirst()
                        .orElse(null),
                "AlertRaised for the correlation alert");

        // 12 failures, one window: one firing, not one per detection after the tenth
        assertThat(alertsOf(ADMIN_BRUTE_FORCE, ip)).hasSize(1);
        // generate: false — the base rule raises no alert of its own but counts its matches
        assertThat(alertsOf(ADMIN_LOGIN_FAILURE, null).stream()
                        .filter(a -> a.source().equals(name))
                        .toList())
                .isEmpty();
        assertThat(matches(ADMIN_LOGIN_FAILURE) - before).isGreaterThanOrEqualTo(12);
    }

    static String countRule(String id, String base, String product, int threshold) {
        return """
                title: Base %1$s
                id: %2$s
                name: base_%3$s
                status: test
                logsource:
                  product: %1$s
                detection:
                  selection:
                    message|contains: 'corr-marker'
                  condition: selection
                level: low
                ---
                title: Many per application %1$s
                id: %4$s
                status: test
                correlation:
                  type: event_count
                  rules:
                    - base_%3$s
                  group-by:
                    - vigil.application
                  timespan: 1h
                  condition:
                    gte: %5$d
                level: high
                """.formatted(product, base, product.replace('-', '_'), id, threshold);
    }

    void importRules(String yaml) {
        TestApi.Response r = TestApi.admin(port)
                .post("/api/v1/rules/import?origin=corr/" + UUID.randomUUID() + ".yml", "application/yaml", yaml);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("refused").size()).as(r.body()).isZero();
    }

    @Test
    void correlationsGroupByTheApplicationOfTheSource() {
        String product = "corrapp" + UUID.randomUUID().toString().substring(0, 8);
        String rule = UUID.randomUUID().toString();
        importRules(countRule(rule, UUID.randomUUID().toString(), product, 3));
        String a = "app-a-" + UUID.randomUUID();
        String c = "app-c-" + UUID.randomUUID();
        String d = "app-d-" + UUID.randomUUID();
        List<IngestedEvent> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(TestEvents.ingested("src-a", a, Map.of("message", "corr-marker a" + i)));
        }
        for (int i = 0; i < 2; i++) {
            batch.add(TestEvents.ingested("src-c", c, Map.of("message", "corr-marker c" + i)));
        }
        // a record claiming to belong to application c counts for its source's application d, not for c
        batch.add(TestEvents.ingested("src-d", d, Map.of("message", "corr-marker d", "vigil.application", c)));
        detection.process(batch.stream().map(withProduct(product)).toList());

        Alert fired =
                await(() -> alertsOf(rule, null).stream().findFirst().orElse(null), "the per-application correlation");
        assertThat(fired.application()).isEqualTo(a);
        assertThat(fired.entities()).containsEntry("vigil.application", a);
        // c has two genuine events: no firing (the forged one did not count), d has one
        driver.tick();
        assertThat(alertsOf(rule, null))
                .singleElement()
                .extracting(Alert::application)
                .isEqualTo(a);
    }

    static java.util.function.Function<IngestedEvent, IngestedEvent> withProduct(String product) {
        return e -> new IngestedEvent(
                e.sourceName(),
                e.application(),
                e.receivedAt(),
                e.raw(),
                e.event().withLogsource(dev.vigil.engine.event.EventLogsource.of(product, null, null)));
    }

    @Test
    void theSavedCorrelationStateCarriesAWindowInProgressIntoANewEngine() {
        String product = "corrsnap" + UUID.randomUUID().toString().substring(0, 8);
        String rule = UUID.randomUUID().toString();
        importRules(countRule(rule, UUID.randomUUID().toString(), product, 4));
        String app = "snap-" + UUID.randomUUID();
        List<IngestedEvent> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(TestEvents.ingested("src-s", app, Map.of("message", "corr-marker " + i)));
        }
        detection.process(three.stream().map(withProduct(product)).toList());
        // what the shutdown hook does
        assertThat(driver.save(true)).isTrue();
        assertThat(jdbc.sql("select count(*) from detection_correlation_state")
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);

        Engine running = active.engine();
        dev.vigil.engine.event.Event fourth = DefaultDetectionService.eventOf(
                withProduct(product).apply(TestEvents.ingested("src-s", app, Map.of("message", "corr-marker 3"))));

        // a new engine (as after a restart) restored from PostgreSQL completes the window with the fourth event
        Engine restarted = Engine.create(
                running.ruleSet(),
                EngineOptions.defaults(),
                CorrelationOptions.defaults().withAllowance(Duration.ZERO));
        state.restore(restarted);
        assertThat(firings(restarted, fourth, rule)).hasSize(1);

        // without the saved state the same event is only the first of four
        Engine empty = Engine.create(
                running.ruleSet(),
                EngineOptions.defaults(),
                CorrelationOptions.defaults().withAllowance(Duration.ZERO));
        assertThat(firings(empty, fourth, rule)).isEmpty();
    }

    private List<Detection> firings(Engine engine, dev.vigil.engine.event.Event event, String rule) {
        List<Detection> out = new ArrayList<>();
        MatchResult m = engine.match(List.of(event));
        out.addAll(m.detections());
        out.addAll(engine.flush().detections());
        return out.stream()
                .filter(d -> active.refOf(d.ruleId()).equals(rule) || rule.equals(d.ruleId()))
                .toList();
    }
}
