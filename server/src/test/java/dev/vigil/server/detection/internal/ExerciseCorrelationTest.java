package dev.vigil.server.detection.internal;

import static dev.vigil.server.detection.internal.CorrelationTest.ADMIN_BRUTE_FORCE;
import static dev.vigil.server.detection.internal.CorrelationTest.ADMIN_LOGIN_FAILURE;
import static dev.vigil.server.detection.internal.CorrelationTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.ingest.ReplayIntake;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Exercise replays and production do not share correlation state (the engine's correlation is partitioned by the
 * exercise mark): production failed logins below the starter brute-force threshold plus a replay's failed logins of
 * the same client raise no production correlation, and the replay's own failures reaching the threshold raise an
 * exercise correlation alert made of the replay's events only. Real PostgreSQL, the real HTTP intake for production
 * and the real replay intake ({@link ReplayIntake}) for the exercise.
 */
@VigilServerTest
class ExerciseCorrelationTest {
    @LocalServerPort
    int port;

    @Autowired
    AlertService alerts;

    @Autowired
    ReplayIntake replays;

    @Autowired
    ActiveRules active;

    @Autowired
    CorrelationDriver driver;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    DetectionProperties properties;

    static String failedAdminLogin(Instant t, String ip) {
        return "{\"@timestamp\":\"" + t + "\",\"c-ip\":\"" + ip
                + "\",\"cs-method\":\"POST\",\"cs-uri-stem\":\"/admin/login\",\"sc-status\":401}";
    }

    List<Alert> bruteForceAlerts(String ip) {
        return alerts
                .find(new AlertQuery(null, ADMIN_BRUTE_FORCE, null, null, null, null, null, null, 0, 500))
                .items()
                .stream()
                .filter(a -> ip.equals(a.entities().get("c-ip")))
                .toList();
    }

    void replay(UUID exercise, String source, Instant from, String ip, int n) throws InterruptedException {
        List<ReplayIntake.Record> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant t = from.plusMillis(i * 10L);
            records.add(new ReplayIntake.Record(source, failedAdminLogin(t, ip), t));
        }
        ReplayIntake.Outcome outcome = replays.replay(exercise, records, Duration.ZERO);
        assertThat(outcome.accepted()).as(outcome.errors().toString()).isEqualTo(n);
    }

    @Test
    void aDrillNeitherRaisesNorCompletesAProductionCorrelation() throws InterruptedException {
        TestApi admin = TestApi.admin(port);
        String source = "drill-corr-" + UUID.randomUUID().toString().substring(0, 8);
        TestApi.Response created = admin.postJson(
                "/api/v1/sources",
                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\",\"application\":\"shop\","
                        + "\"logsource\":{\"category\":\"webserver\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().path("token").path("token").asString();
        TestApi.Response ex = admin.postJson(
                "/api/v1/governance/exercises",
                "{\"title\":\"Brute force drill " + source + "\",\"kind\":\"replay\",\"scenario\":\"Replay\","
                        + "\"heldAt\":\"" + Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS) + "\","
                        + "\"participants\":[\"admin\"]}");
        assertThat(ex.status()).as(ex.body()).isEqualTo(201);
        UUID exercise = UUID.fromString(ex.json().get("id").asString());
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);

        // 6 real failures (the threshold is 10) ...
        Instant t = Instant.now();
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 6; i++)
            ndjson.append(failedAdminLogin(t.plusMillis(i * 10L), ip)).append('\n');
        TestApi.Response posted =
                admin.withToken(token).post("/api/v1/ingest/" + source, "application/x-ndjson", ndjson.toString());
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);
        assertThat(posted.json().path("accepted").asInt()).isEqualTo(6);
        // ... and 6 replayed ones of the same client in the same minutes: 12 together, but in two partitions
        replay(exercise, source, t.plusMillis(100), ip, 6);
        // the drill's own failures reach the threshold: 10 of the exercise
        replay(exercise, source, t.plusMillis(200), ip, 4);

        Alert drill = await(
                () -> bruteForceAlerts(ip).stream()
                        .filter(a -> a.source().startsWith("exercise-" + exercise + "."))
                        .findFirst()
                        .orElse(null),
                "the exercise's correlation alert");
        assertThat(jdbc.sql("select exercise_id::text from alerts where id = ?")
                        .param(drill.id())
                        .query(String.class)
                        .single())
                .isEqualTo(exercise.toString());
        // made of the replay's ten failures only
        assertThat(drill.correlation().split(ADMIN_LOGIN_FAILURE, -1).length - 1)
                .as(drill.correlation())
                .isEqualTo(10);
        assertThat(drill.event()).contains(exercise.toString());

        // every detection has been through correlation (nothing held back in any partition), and production has
        // no brute-force alert for the client: its 6 failures are below the threshold
        await(() -> active.engine().correlationStats().heldBack() == 0 ? Boolean.TRUE : null, "nothing held back");
        driver.tick();
        assertThat(bruteForceAlerts(ip)).extracting(Alert::id).containsExactly(drill.id());

        // each partition's clock is reported: production first, then the exercise's own (its watermark at most its
        // latest replayed event time, whatever production's is)
        TestApi.Response status = admin.get("/api/v1/rules/status");
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        tools.jackson.databind.JsonNode clocks = status.json().get("correlationClocks");
        assertThat(clocks.get(0).hasNonNull("exercise")).as(status.body()).isFalse();
        Instant production = Instant.parse(clocks.get(0).get("watermark").asString());
        assertThat(production).isAfterOrEqualTo(t.plusMillis(50).minus(allowance()));
        tools.jackson.databind.JsonNode ours = null;
        for (tools.jackson.databind.JsonNode c : clocks) {
            if (c.hasNonNull("exercise")
                    && exercise.toString().equals(c.get("exercise").asString())) ours = c;
        }
        assertThat(ours).as(status.body()).isNotNull();
        Instant drillClock = Instant.parse(ours.get("watermark").asString());
        assertThat(drillClock)
                .isBeforeOrEqualTo(t.plusMillis(230))
                .isAfterOrEqualTo(t.plusMillis(230).minus(allowance()));
        assertThat(ours.get("heldBack").asInt()).isZero();
        // the metrics: production's watermark, and the earliest of the exercises' (at most this drill's)
        assertThat(meters.get("vigil.detection.correlation.watermark")
                        .tag("partition", "production")
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(production.getEpochSecond());
        assertThat(meters.get("vigil.detection.correlation.watermark")
                        .tag("partition", "exercise")
                        .gauge()
                        .value())
                .isLessThanOrEqualTo(drillClock.getEpochSecond() + 1);
        assertThat(meters.get("vigil.detection.correlation.exercise.partitions")
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(1);
        // and the rules page shows them
        TestApi.Response page = dev.vigil.server.testing.TestSession.signedIn(
                        port, "admin", dev.vigil.server.testing.VigilServerTest.ADMIN_PASSWORD)
                .get("/rules");
        assertThat(page.body()).contains("Correlation clocks", "production", exercise.toString());
    }

    Duration allowance() {
        return properties.correlation().allowance();
    }
}
