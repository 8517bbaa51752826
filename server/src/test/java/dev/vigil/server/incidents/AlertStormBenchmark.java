package dev.vigil.server.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The alert-storm figure: how fast a burst of alerts becomes incidents through the real services (alerts module,
 * the durable event publication registry, the incident intake, paging and webhook listeners) on the bundled
 * PostgreSQL. A detection-like stream of {@code vigil.bench.alerts} alerts (default 500 in CI; the figure uses 5,000)
 * is raised in batches of {@code vigil.bench.batch} (default 100), the way detection raises the alerts of one event
 * batch: 40 rules x 10 hosts x 3 users, seeded, so most alerts join or duplicate an incident and some open one.
 * Reported: the time spent in {@link AlertService#raise} (what detection waits for) and the time until every alert
 * is in an incident and every event publication of the storm is completed.
 *
 * <pre>
 * ./mvnw -pl server -am verify -Dtest=AlertStormBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NONE \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dvigil.bench.alerts=5000 [-Dvigil.bench.durable=true]
 * </pre>
 *
 * {@code vigil.bench.durable=true} turns {@code fsync} and {@code synchronous_commit} on in the test PostgreSQL (the
 * server's own setting; tests run with both off), so that every commit costs what it costs in production. It asserts
 * only that every alert reached an incident; the numbers are printed and written to
 * {@code server/target/alert-storm.txt}.
 */
@VigilServerTest
class AlertStormBenchmark {
    @Autowired
    AlertService alerts;

    @Autowired
    IncidentService incidents;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aBurstOfAlertsBecomesIncidents() throws IOException {
        int total = Integer.getInteger("vigil.bench.alerts", 500);
        int batch = Integer.getInteger("vigil.bench.batch", 100);
        boolean durable = Boolean.getBoolean("vigil.bench.durable");
        if (durable) {
            jdbc.sql("alter system set fsync = on").update();
            jdbc.sql("alter system set synchronous_commit = on").update();
            jdbc.sql("select pg_reload_conf()").query((rs, n) -> 1).list();
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(42);
        List<NewAlert> all = new ArrayList<>(total);
        Instant now = Instant.now();
        for (int i = 0; i < total; i++) {
            int rule = random.nextInt(40);
            all.add(new NewAlert(
                    "storm-" + run + "-" + rule,
                    "Storm rule " + rule,
                    rule % 10 == 0 ? AlertLevel.HIGH : AlertLevel.MEDIUM,
                    List.of("attack.execution", "attack.t1059.00" + (rule % 8 + 1)),
                    "storm-" + run,
                    "app-" + (rule % 4),
                    now,
                    now,
                    Map.of("host", "host-" + random.nextInt(10), "user", "user-" + random.nextInt(3)),
                    Map.of("EventID", "1"),
                    "{\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}",
                    null,
                    null));
        }
        List<UUID> ids = new ArrayList<>(total);
        long t0 = System.nanoTime();
        for (int i = 0; i < total; i += batch) {
            for (Alert a : alerts.raise(all.subList(i, Math.min(total, i + batch)))) {
                ids.add(a.id());
            }
        }
        long raised = System.nanoTime();
        Awaitility.await()
                .atMost(Duration.ofMinutes(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> grouped(run) == total);
        long grouped = System.nanoTime();
        Awaitility.await()
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.sql("select count(*) from event_publication where completion_date is null")
                                .query(Long.class)
                                .single()
                        == 0);
        long done = System.nanoTime();
        long openedIncidents =
                jdbc.sql("""
                        select count(distinct incident_id) from incident_alerts a join alerts r on r.id = a.alert_id
                        where r.source = ?""").param("storm-" + run).query(Long.class).single();
        assertThat(ids).hasSize(total);
        String report = String.format(
                Locale.ROOT,
                "alert storm: %d alerts in batches of %d, %d incidents, durable=%s%n"
                        + "  raise (detection waits):   %6.0f ms = %8.0f alerts/s%n"
                        + "  all in incidents:          %6.0f ms = %8.0f alerts/s%n"
                        + "  all publications complete: %6.0f ms%n",
                total,
                batch,
                openedIncidents,
                durable,
                (raised - t0) / 1e6,
                total / ((raised - t0) / 1e9),
                (grouped - t0) / 1e6,
                total / ((grouped - t0) / 1e9),
                (done - t0) / 1e6);
        System.out.print(report);
        Files.writeString(Path.of("target", "alert-storm.txt"), report);
    }

    private long grouped(String run) {
        return jdbc.sql("""
                        select count(*) from incident_alerts a join alerts r on r.id = a.alert_id where r.source = ?""").param("storm-" + run).query(Long.class).single();
    }
}
