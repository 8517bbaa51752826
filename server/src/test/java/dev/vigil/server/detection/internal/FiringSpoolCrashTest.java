package dev.vigil.server.detection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.TestEvents;
import dev.vigil.server.testing.VigilServerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * The firing spool survives a real crash: a child JVM runs the real detection service over correlation rules while
 * the alert store is unreachable (connection refused), so each correlation firing is spooled to disk; it is killed
 * with SIGKILL in the middle of writing one spool file (stopped there, so the kill lands mid-write every run). A new
 * detection service over the same directory, with the real alert store in PostgreSQL, stores every fully written
 * firing exactly once, moves the half-written one to {@code corrupt/} and counts it; a further start stores nothing
 * again.
 */
@VigilServerTest
class FiringSpoolCrashTest {
    /** Firings the child completes before the one it is killed writing. */
    static final int COMPLETE = 4;

    @TempDir
    Path dir;

    @Autowired
    AlertService alerts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    JsonMapper json;

    @Autowired
    DetectionProperties properties;

    @Test
    void aKilledProcessLosesNoFullyWrittenFiringAndSetsTheHalfWrittenOneAside() throws Exception {
        Path spool = dir.resolve("firings");
        Path log = dir.resolve("child.log");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Process child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName(),
                        spool.toString(),
                        run,
                        Integer.toString(COMPLETE))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            // the child stops in the middle of writing firing number COMPLETE (after its first block)
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!child.isAlive()) {
                    throw new IllegalStateException("child died:\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                return Files.readString(log, StandardCharsets.UTF_8).contains("MIDWRITE " + COMPLETE);
            });
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        for (int i = 0; i < COMPLETE; i++) {
            assertThat(out).contains("SPOOLED " + i + " ");
        }
        assertThat(out).doesNotContain("SPOOLED " + COMPLETE + " ");

        // what the kill left: the complete files and one half-written temporary file
        List<String> complete = names(spool, ".json");
        List<Path> partial = files(spool, ".tmp");
        assertThat(complete).hasSize(COMPLETE);
        assertThat(partial).hasSize(1);
        assertThat(Files.size(partial.get(0))).isEqualTo(FiringSpool.BLOCK);
        List<UUID> ids = complete.stream()
                .map(n -> UUID.fromString(n.substring(0, n.length() - ".json".length())))
                .toList();
        assertThat(storedCount(ids)).isZero();

        // the next start: the store is up
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DefaultDetectionService next = recovery(spool, meters);
        assertThat(meters.get("vigil.detection.correlation.firings.corrupt")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(files(spool.resolve(FiringSpool.CORRUPT), ".tmp")).hasSize(1);
        assertThat(next.deferredAlerts()).isEqualTo(COMPLETE);
        next.tick();
        assertThat(next.deferredAlerts()).isZero();
        assertThat(names(spool, ".json")).isEmpty();
        for (UUID id : ids) {
            assertThat(jdbc.sql("select count(*) from alerts where id = ?")
                            .param(id)
                            .query(Long.class)
                            .single())
                    .as("alert %s", id)
                    .isEqualTo(1);
        }
        // one alert per completed firing, for exactly the users whose firing was complete
        List<String> users = jdbc.sql("select entities->>'user' from alerts where id = any(?) order by 1")
                .param(ids.toArray(UUID[]::new))
                .query(String.class)
                .list();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < COMPLETE; i++) {
            expected.add(Child.user(run, i));
        }
        assertThat(users).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(jdbc.sql("select count(*) from alerts where entities->>'user' = ?")
                        .param(Child.user(run, COMPLETE))
                        .query(Long.class)
                        .single())
                .isZero();

        // and the start after that finds nothing to store or set aside
        SimpleMeterRegistry again = new SimpleMeterRegistry();
        DefaultDetectionService after = recovery(spool, again);
        assertThat(after.deferredAlerts()).isZero();
        assertThat(again.get("vigil.detection.correlation.firings.corrupt")
                        .counter()
                        .count())
                .isZero();
        after.tick();
        assertThat(storedCount(ids)).isEqualTo(COMPLETE);
    }

    long storedCount(List<UUID> ids) {
        return jdbc.sql("select count(*) from alerts where id = any(?)")
                .param(ids.toArray(UUID[]::new))
                .query(Long.class)
                .single();
    }

    DefaultDetectionService recovery(Path spool, SimpleMeterRegistry meters) {
        return new DefaultDetectionService(
                new ActiveRules(Set.of(), EngineOptions.defaults(), CorrelationOptions.defaults(), e -> {}),
                alerts,
                new RuleStatsRegistry(jdbc),
                new DetectionMetrics(meters),
                clock,
                json,
                properties,
                new FiringSpool(spool, json));
    }

    static List<Path> files(Path d, String suffix) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    static List<String> names(Path d, String suffix) throws IOException {
        return files(d, suffix).stream().map(p -> p.getFileName().toString()).toList();
    }

    /**
     * Child JVM main: the real detection service (real engine, real spool) with an alert store that cannot be
     * reached (connection refused by the real PostgreSQL driver). Fires one correlation per user; prints {@code
     * SPOOLED i} once firing {@code i} is spooled, and stops for good in the middle of writing firing number
     * {@code args[2]}, after printing {@code MIDWRITE i}.
     */
    public static final class Child {
        static String user(String run, int i) {
            return "crash-" + run + "-" + i;
        }

        public static void main(String[] args) throws Exception {
            Path spoolDir = Path.of(args[0]);
            String run = args[1];
            int stopAt = Integer.parseInt(args[2]);
            JsonMapper json = JsonMapper.builder().build();
            DriverManagerDataSource down =
                    new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/vigil?connectTimeout=2", "vigil", "x");
            AlertService unreachable = (AlertService) Proxy.newProxyInstance(
                    AlertService.class.getClassLoader(), new Class<?>[] {AlertService.class}, (proxy, m, a) -> {
                        // the store's first statement: the real driver is refused
                        new JdbcTemplate(down).queryForObject("select 1", Integer.class);
                        throw new AssertionError("the alert store should be unreachable");
                    });
            String suffix = run;
            String correlation = UUID.randomUUID().toString();
            String yaml = """
                    title: Failed login %1$s
                    id: %2$s
                    name: failed_login_%1$s
                    status: test
                    logsource:
                      product: crashtest
                    detection:
                      selection:
                        message|contains: 'failed login'
                      condition: selection
                    level: low
                    ---
                    title: Five failed logins %1$s
                    id: %3$s
                    status: test
                    correlation:
                      type: event_count
                      rules:
                        - failed_login_%1$s
                      group-by:
                        - user
                      timespan: 1h
                      condition:
                        gte: 5
                    level: high
                    """.formatted(suffix, UUID.randomUUID(), correlation);
            ActiveRules rules = new ActiveRules(
                    Set.of(),
                    EngineOptions.defaults(),
                    CorrelationOptions.defaults().withAllowance(Duration.ZERO),
                    e -> {});
            String origin = "crash-" + suffix + ".yml";
            Map<String, String> enabled = new HashMap<>();
            for (ActiveRules.Item i : rules.parse(origin, yaml).items()) {
                enabled.put(i.ref(), origin);
            }
            rules.swap(rules.compile(
                    List.of(new RuleRepository.StoredFile(origin, yaml, ActiveRules.sha256(yaml), Instant.now())),
                    enabled,
                    Set.of()));
            // base detections (low) raise no alert: only the correlation firings (high) go to the store
            DetectionProperties props = new DetectionProperties(
                    false,
                    "high",
                    1000,
                    Set.of("deprecated", "unsupported"),
                    Duration.ofSeconds(30),
                    new DetectionProperties.Correlation(
                            Duration.ZERO,
                            Duration.ofSeconds(1),
                            Duration.ofMinutes(1),
                            "default",
                            "off",
                            10_000,
                            Duration.ofHours(24),
                            1000,
                            DataSize.ofMegabytes(64)));
            DefaultDetectionService detection = new DefaultDetectionService(
                    rules,
                    unreachable,
                    new RuleStatsRegistry(JdbcClient.create(down)),
                    new DetectionMetrics(new SimpleMeterRegistry()),
                    Clock.systemUTC(),
                    json,
                    props,
                    new FiringSpool(spoolDir, json));
            int[] firing = {0};
            FiringSpool.afterBlock = (tmp, written, total) -> {
                if (firing[0] == stopAt && written < total) {
                    System.out.println("MIDWRITE " + stopAt + " " + tmp.getFileName());
                    System.out.flush();
                    try {
                        Thread.sleep(Long.MAX_VALUE); // killed here
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            for (int u = 0; u <= stopAt; u++) {
                firing[0] = u;
                String user = user(run, u);
                List<IngestedEvent> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Map<String, Object> fields = new HashMap<>();
                    fields.put("message", "failed login " + i + " of " + user);
                    fields.put("user", user);
                    fields.put(
                            "@timestamp",
                            Instant.parse("2026-03-01T10:00:00Z")
                                    .plusSeconds(10L * u + i)
                                    .toString());
                    if (u == stopAt && i == 4) {
                        // the firing this process dies writing is larger than one block of the spool
                        fields.put("padding", "x".repeat(3 * FiringSpool.BLOCK));
                    }
                    batch.add(CorrelationTest.withProduct("crashtest")
                            .apply(TestEvents.ingested("crash-src", "crash-app", fields)));
                }
                detection.process(batch);
                if (detection.deferredAlerts() != u + 1) {
                    throw new IllegalStateException("firing " + u + " was not spooled");
                }
                System.out.println("SPOOLED " + u + " ");
                System.out.flush();
            }
            System.out.println("DONE (not expected)");
        }
    }
}
