package dev.vigil.server.detection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.TestEvents;
import dev.vigil.server.testing.VigilServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A batch that fails after matching — storing its alerts throws, for one poisoned record (the pipeline bisects the
 * batch to isolate it) or for all of them while the alert store is down (the pipeline retries the batch whole) — is
 * counted once in the Sigma correlation windows: the event_count correlation fires at the event that reaches its
 * threshold in a clean run, not earlier through events counted again on every retry. Real engine, real ingest
 * pipeline (durable journal contract, retry with backoff), real alert store in PostgreSQL; only the alert store's
 * failures are injected.
 */
@VigilServerTest
class CorrelationRetryTest {
    static final String POISON = "POISON-ALERT";

    @Autowired
    AlertService realAlerts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    JsonMapper json;

    @Autowired
    DetectionProperties properties;

    @Autowired
    MeterRegistry meters;

    /** Where the detection under test spools its waiting firings (one directory across simulated restarts). */
    @TempDir
    Path spoolDir;

    /** How many of the next {@code raise} calls throw as if the database were down. */
    final AtomicInteger storeDownFor = new AtomicInteger();

    final AtomicInteger raiseCalls = new AtomicInteger();

    /** While set, every {@code raise} call throws as if the database were down. */
    final java.util.concurrent.atomic.AtomicBoolean storeDown = new java.util.concurrent.atomic.AtomicBoolean();

    /** While set, the store refuses every correlation alert as a bad value. */
    final java.util.concurrent.atomic.AtomicBoolean refuseCorrelations =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** While set, every {@code raise} call runs under a {@code SET LOCAL statement_timeout} of this many ms. */
    final AtomicInteger statementTimeoutMs = new AtomicInteger();

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    /** The metrics of the detection under test. */
    io.micrometer.core.instrument.simple.SimpleMeterRegistry detectionMeters;

    /**
     * The real alert store, failing on demand: a batch holding an alert of a poisoned record is refused (the record
     * stands for a value the store rejects), and the next {@link #storeDownFor} calls fail whole.
     */
    AlertService flakyAlerts;

    String correlation;
    String alarm;
    String marker;
    ActiveRules rules;
    DefaultDetectionService detection;

    @BeforeEach
    void setUp() {
        flakyAlerts = (AlertService) Proxy.newProxyInstance(
                AlertService.class.getClassLoader(), new Class<?>[] {AlertService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("raise")) {
                        raiseCalls.incrementAndGet();
                        if (storeDown.get() || storeDownFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new org.springframework.dao.DataAccessResourceFailureException(
                                    "connection refused (injected)");
                        }
                        @SuppressWarnings("unchecked")
                        List<NewAlert> batch = (List<NewAlert>) args[0];
                        for (NewAlert a : batch) {
                            if (refuseCorrelations.get() && a.correlation() != null) {
                                throw new org.springframework.dao.DataIntegrityViolationException(
                                        "value refused (injected)",
                                        new java.sql.SQLException("invalid input (injected)", "22P02"));
                            }
                            if (a.raw() != null && a.raw().contains(POISON)) {
                                throw new org.springframework.dao.DataIntegrityViolationException(
                                        "value refused (injected)");
                            }
                        }
                    }
                    int timeoutMs = statementTimeoutMs.get();
                    if (method.getName().equals("raise") && timeoutMs > 0) {
                        // the real store's transaction, with a small statement timeout (as a production database
                        // would configure one)
                        return new org.springframework.transaction.support.TransactionTemplate(transactions)
                                .execute(s -> {
                                    jdbc.sql("set local statement_timeout = " + timeoutMs)
                                            .update();
                                    @SuppressWarnings("unchecked")
                                    List<NewAlert> batch = (List<NewAlert>) args[0];
                                    return realAlerts.raise(batch);
                                });
                    }
                    try {
                        return method.invoke(realAlerts, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        marker = "retry-marker-" + suffix;
        correlation = UUID.randomUUID().toString();
        alarm = UUID.randomUUID().toString();
        String yaml = """
                title: Failed login %1$s
                id: %2$s
                name: failed_login_%1$s
                status: test
                logsource:
                  product: retrytest
                detection:
                  selection:
                    message|contains: '%3$s'
                  condition: selection
                level: low
                ---
                title: Alarm %1$s
                id: %4$s
                status: test
                logsource:
                  product: retrytest
                detection:
                  selection:
                    message|contains: 'alarm'
                  condition: selection
                level: high
                ---
                title: Five failed logins %1$s
                id: %5$s
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
                """.formatted(suffix, UUID.randomUUID(), marker, alarm, correlation);
        // an engine of its own with no out-of-order allowance, so the firing happens in the batch that completes it
        rules = new ActiveRules(
                Set.of(),
                EngineOptions.defaults(),
                CorrelationOptions.defaults().withAllowance(Duration.ZERO),
                e -> {});
        String origin = "retry-" + suffix + ".yml";
        Map<String, String> enabled = new HashMap<>();
        for (ActiveRules.Item i : rules.parse(origin, yaml).items()) {
            enabled.put(i.ref(), origin);
        }
        rules.swap(rules.compile(
                List.of(new RuleRepository.StoredFile(origin, yaml, ActiveRules.sha256(yaml), Instant.now())),
                enabled,
                Set.of()));
        assertThat(rules.current().refused()).isEmpty();
        detection = detection(clock, properties);
    }

    /**
     * A detection service over {@link #rules}, the flaky store and the spool directory: a new one over the same
     * directory is what the next start of the server builds (a simulated restart; the old instance is dropped as a
     * crash would drop it).
     */
    DefaultDetectionService detection(Clock clock, DetectionProperties properties) {
        return detection(clock, properties, new FiringSpool(spoolDir, json));
    }

    DefaultDetectionService detection(Clock clock, DetectionProperties properties, FiringSpool spool) {
        detectionMeters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        detectionMetrics = new DetectionMetrics(detectionMeters);
        return new DefaultDetectionService(
                rules, flakyAlerts, new RuleStatsRegistry(jdbc), detectionMetrics, clock, json, properties, spool);
    }

    /** The metrics of the detection under test (what the rule status endpoint reports). */
    DetectionMetrics detectionMetrics;

    double counted(String meter) {
        return detectionMeters.get(meter).counter().count();
    }

    /** A journal that makes every batch durable at once (the contract the event store implements). */
    static final class InstantJournal implements DurableJournal {
        final AtomicLong nextId = new AtomicLong(1);

        @Override
        public Entry append(List<IngestedEvent> events) {
            long first = nextId.getAndAdd(events.size());
            List<IngestedEvent> stored = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                stored.add(events.get(i).withId(first + i));
            }
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            return new Entry() {
                @Override
                public List<IngestedEvent> events() {
                    return stored;
                }

                @Override
                public CompletableFuture<Void> durable() {
                    return done;
                }

                @Override
                public void index() {}

                @Override
                public void evaluated() {}
            };
        }

        @Override
        public Iterator<Entry> unevaluated() {
            return Collections.emptyIterator();
        }

        @Override
        public boolean durable() {
            return true;
        }
    }

    IngestedEvent event(String user, String message, int second) {
        Instant t = Instant.parse("2026-03-01T10:00:00Z").plusSeconds(second);
        IngestedEvent e = TestEvents.ingested(
                "retry-src", "retry-app", Map.of("message", message, "user", user, "@timestamp", t.toString()));
        return CorrelationTest.withProduct("retrytest").apply(e);
    }

    /** Four failed logins of {@code user} with, in the middle, {@code extra}. */
    List<IngestedEvent> fourFailuresAnd(String user, String extra) {
        List<IngestedEvent> batch = new ArrayList<>();
        batch.add(event(user, marker + " 1", 1));
        batch.add(event(user, marker + " 2", 2));
        batch.add(event(user, extra, 3));
        batch.add(event(user, marker + " 3", 4));
        batch.add(event(user, marker + " 4", 5));
        return batch;
    }

    List<Alert> alertsOf(String rule, String user) {
        return realAlerts.find(new AlertQuery(null, rule, null, null, null, null, null, null, 0, 500)).items().stream()
                .filter(a -> a.entities().containsValue(user) || a.event().contains(user))
                .toList();
    }

    int contributing(Alert a) {
        JsonNode c = json.readTree(a.correlation());
        return c.path("contributing").size();
    }

    static void await(BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 3000 && !c.getAsBoolean(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }

    /** Runs batches through a pipeline with a durable journal into the flaky detection, one at a time. */
    void run(IngestPipeline pipeline, List<IngestedEvent> batch) throws InterruptedException {
        long before = pipeline.deliveredEvents() + pipeline.failedEvents();
        assertThat(pipeline.offer(batch)).isNotNull();
        await(() -> pipeline.deliveredEvents() + pipeline.failedEvents() == before + batch.size());
    }

    IngestPipeline pipeline() {
        return new IngestPipeline(10_000, 64 << 20, 1, new InstantJournal(), detection::process, Duration.ofMinutes(1));
    }

    @Test
    void aPoisonedRecordIsolatedByBisectionDoesNotCountItsNeighboursTwice() throws Exception {
        String user = "alice-" + UUID.randomUUID();
        try (IngestPipeline pipeline = pipeline()) {
            // the poisoned record matches the failed-login rule too and raises an alarm the store refuses: the first
            // attempt fails after matching (formerly after the four failures were counted), then each half is
            // tried, and the halves of the failing half, down to the record alone
            run(pipeline, fourFailuresAnd(user, marker + " alarm " + POISON));
            assertThat(pipeline.failedEvents()).isEqualTo(1);
            assertThat(pipeline.deliveredEvents()).isEqualTo(4);
            assertThat(raiseCalls.get()).isGreaterThan(1);
            // four failures counted once (the poisoned one was not evaluated): below the threshold of five
            assertThat(alertsOf(correlation, user)).isEmpty();
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(4);

            // the fifth failure reaches the threshold: exactly one alert, over exactly five events
            run(pipeline, List.of(event(user, marker + " 5", 6)));
            List<Alert> fired = alertsOf(correlation, user);
            assertThat(fired).hasSize(1);
            assertThat(contributing(fired.get(0))).isEqualTo(5);
        }
    }

    @Test
    void aBatchRetriedWholeWhileTheAlertStoreIsDownIsCountedOnce() throws Exception {
        String user = "bob-" + UUID.randomUUID();
        try (IngestPipeline pipeline = pipeline()) {
            // the store is down (an outage, not a bad record): the batch is held and retried whole with backoff, never
            // bisected
            List<IngestedEvent> batch = fourFailuresAnd(user, "alarm 1 for " + user);
            batch.add(4, event(user, "alarm 2 for " + user, 4));
            // the alert store is down for the first attempt and three retries
            storeDownFor.set(4);
            run(pipeline, batch);
            assertThat(storeDownFor.get()).isZero();
            assertThat(raiseCalls.get()).isEqualTo(5);
            assertThat(pipeline.failedEvents()).isZero();
            assertThat(pipeline.deliveredEvents()).isEqualTo(6);
            assertThat(alertsOf(alarm, user)).hasSize(2);
            assertThat(alertsOf(correlation, user)).isEmpty();
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(4);

            run(pipeline, List.of(event(user, marker + " 5", 6)));
            List<Alert> fired = alertsOf(correlation, user);
            assertThat(fired).hasSize(1);
            assertThat(contributing(fired.get(0))).isEqualTo(5);
        }
    }

    @Test
    void aFiringWhoseAlertCannotBeStoredIsDeferredNotRecounted() throws Exception {
        String user = "carol-" + UUID.randomUUID();
        try (IngestPipeline pipeline = pipeline()) {
            run(pipeline, fourFailuresAnd(user, marker + " 5"));
            assertThat(alertsOf(correlation, user)).hasSize(1);

            // two hours later five more fire again — while the alert store is down: the batch is done (retrying it
            // would count it twice), the firing's alert waits
            List<IngestedEvent> next = new ArrayList<>();
            for (int i = 6; i <= 10; i++) {
                next.add(event(user, marker + " " + i, 7200 + i));
            }
            storeDownFor.set(1);
            run(pipeline, next);
            assertThat(pipeline.failedEvents()).isZero();
            assertThat(detection.deferredAlerts()).isEqualTo(1);
            assertThat(alertsOf(correlation, user)).hasSize(1);
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(10);

            // the next tick stores it
            detection.tick();
            assertThat(detection.deferredAlerts()).isZero();
            List<Alert> fired = alertsOf(correlation, user);
            assertThat(fired).hasSize(2);
            assertThat(fired).allSatisfy(a -> assertThat(contributing(a)).isEqualTo(5));
        }
    }

    /** Five failed logins of {@code user}, {@code from} seconds on. */
    List<IngestedEvent> fiveFailures(String user, int from) {
        List<IngestedEvent> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(event(user, marker + " " + (from + i), from + i));
        }
        return batch;
    }

    /** The firings spooled right now (not those set aside). */
    List<Path> spooled() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(spoolDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList();
        }
    }

    List<Path> setAside(String where) throws java.io.IOException {
        Path dir = spoolDir.resolve(where);
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.toList();
        }
    }

    DetectionProperties withBounds(int maxWaiting, Duration maxWait) {
        DetectionProperties.Correlation c = properties.correlation();
        return new DetectionProperties(
                properties.starterRules(),
                properties.minAlertLevel(),
                properties.maxAlertsPerRulePerMinute(),
                properties.excludedStatuses(),
                properties.statsFlushInterval(),
                new DetectionProperties.Correlation(
                        c.allowance(),
                        c.tickInterval(),
                        c.snapshotInterval(),
                        c.stateKey(),
                        c.killChain(),
                        maxWaiting,
                        maxWait,
                        c.maxSetAsideFiles(),
                        c.maxSetAsideSize()));
    }

    /** Fires the correlation of {@code user} while the alert store is down: its alert is deferred and spooled. */
    void fireWhileTheStoreIsDown(String user) throws Exception {
        storeDown.set(true);
        try (IngestPipeline pipeline = pipeline()) {
            run(pipeline, fiveFailures(user, 1));
            assertThat(pipeline.failedEvents()).isZero();
        }
        assertThat(detection.deferredAlerts()).isEqualTo(1);
        assertThat(spooled()).hasSize(1);
        assertThat(alertsOf(correlation, user)).isEmpty();
    }

    @Test
    void aFiringSpooledWhileTheStoreIsDownIsStoredOnceByTheNextStart() throws Exception {
        String user = "dave-" + UUID.randomUUID();
        fireWhileTheStoreIsDown(user);
        assertThat(counted("vigil.detection.correlation.firings.deferred")).isEqualTo(1);

        // the server crashes (the instance and what it held in memory are gone); at the next start the store works
        storeDown.set(false);
        DefaultDetectionService next = detection(clock, properties);
        assertThat(next.deferredAlerts()).isEqualTo(1);
        assertThat(detectionMeters
                        .get("vigil.detection.correlation.firings.waiting")
                        .gauge()
                        .value())
                .isEqualTo(1);
        next.tick();
        assertThat(next.deferredAlerts()).isZero();
        assertThat(spooled()).isEmpty();
        List<Alert> fired = alertsOf(correlation, user);
        assertThat(fired).hasSize(1);
        assertThat(contributing(fired.get(0))).isEqualTo(5);

        // and the start after that has nothing left to store
        DefaultDetectionService after = detection(clock, properties);
        assertThat(after.deferredAlerts()).isZero();
        after.tick();
        assertThat(alertsOf(correlation, user)).hasSize(1);
    }

    @Test
    void aCrashBetweenStoringAndDeletingASpooledFiringStoresItOnce() throws Exception {
        String user = "erin-" + UUID.randomUUID();
        fireWhileTheStoreIsDown(user);
        FiringSpool.Loaded spool = new FiringSpool(spoolDir, json).load();
        assertThat(spool.entries()).hasSize(1);
        NewAlert spooledAlert = spool.entries().get(0).alert();
        assertThat(spooledAlert.id()).isNotNull();

        // the alert store took the alert, then the server crashed before the spool file was deleted
        storeDown.set(false);
        assertThat(realAlerts.raise(List.of(spooledAlert))).hasSize(1);
        assertThat(spooled()).hasSize(1);

        // the next start retries the file: the store skips the id it has, the file is deleted
        DefaultDetectionService next = detection(clock, properties);
        assertThat(next.deferredAlerts()).isEqualTo(1);
        next.tick();
        assertThat(next.deferredAlerts()).isZero();
        assertThat(spooled()).isEmpty();
        List<Alert> fired = alertsOf(correlation, user);
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).id()).isEqualTo(spooledAlert.id());
        assertThat(counted("vigil.detection.correlation.firings.lost")).isZero();

        // the crashed instance's copy in memory (had it survived) stores nothing twice either
        assertThat(detection.deferredAlerts()).isEqualTo(1);
        detection.retryDeferred();
        assertThat(detection.deferredAlerts()).isZero();
        assertThat(alertsOf(correlation, user)).hasSize(1);
    }

    @Test
    void corruptSpoolFilesAreCountedAndSetAsideAndTheOthersStored() throws Exception {
        String user = "frank-" + UUID.randomUUID();
        fireWhileTheStoreIsDown(user);
        // a file cut short, one whose alert has no rule, one that is not JSON, and a write a crash interrupted
        java.nio.file.Files.writeString(
                spoolDir.resolve(UUID.randomUUID() + ".json"), "{\"version\":1,\"since\":\"2026-03-01T10:");
        java.nio.file.Files.writeString(
                spoolDir.resolve(UUID.randomUUID() + ".json"),
                "{\"version\":1,\"since\":\"2026-03-01T10:00:00Z\",\"alert\":{\"level\":\"high\"}}");
        java.nio.file.Files.write(spoolDir.resolve(UUID.randomUUID() + ".json"), new byte[] {(byte) 0xff, 0, 1, 2});
        java.nio.file.Files.writeString(spoolDir.resolve(UUID.randomUUID() + ".tmp"), "{\"version\":1");

        storeDown.set(false);
        DefaultDetectionService next = detection(clock, properties);
        assertThat(counted("vigil.detection.correlation.firings.corrupt")).isEqualTo(4);
        assertThat(setAside(FiringSpool.CORRUPT)).hasSize(4);
        assertThat(next.deferredAlerts()).isEqualTo(1);
        next.tick();
        assertThat(next.deferredAlerts()).isZero();
        assertThat(spooled()).isEmpty();
        assertThat(alertsOf(correlation, user)).hasSize(1);
        // set aside once: the next start finds nothing more to complain about
        detection(clock, properties);
        assertThat(counted("vigil.detection.correlation.firings.corrupt")).isZero();
        assertThat(setAside(FiringSpool.CORRUPT)).hasSize(4);
    }

    @Test
    void theSpoolKeepsItsBoundWithCountedDrops() throws Exception {
        detection = detection(clock, withBounds(2, Duration.ofHours(24)));
        String[] users = {"gina-" + UUID.randomUUID(), "hank-" + UUID.randomUUID(), "ivy-" + UUID.randomUUID()};
        storeDown.set(true);
        try (IngestPipeline pipeline = pipeline()) {
            List<IngestedEvent> batch = new ArrayList<>();
            for (int i = 0; i < users.length; i++) {
                batch.addAll(fiveFailures(users[i], 1 + 10 * i)); // in event-time order: none is late
            }
            run(pipeline, batch);
        }
        // three firings, room for two: the oldest is dropped, counted and its file deleted
        assertThat(counted("vigil.detection.correlation.firings.deferred")).isEqualTo(3);
        assertThat(counted("vigil.detection.correlation.firings.lost")).isEqualTo(1);
        assertThat(detection.deferredAlerts()).isEqualTo(2);
        assertThat(spooled()).hasSize(2);

        storeDown.set(false);
        detection.tick();
        assertThat(spooled()).isEmpty();
        int stored = 0;
        for (String u : users) {
            stored += alertsOf(correlation, u).size();
        }
        assertThat(stored).isEqualTo(2);
    }

    @Test
    void aFiringWaitingLongerThanItsBoundAcrossARestartIsDroppedAndCounted() throws Exception {
        String user = "jack-" + UUID.randomUUID();
        fireWhileTheStoreIsDown(user);
        // the next start comes 25 hours later and the store is still down: the firing is given up, counted
        Clock later = Clock.offset(clock, Duration.ofHours(25));
        DefaultDetectionService next = detection(later, withBounds(10_000, Duration.ofHours(24)));
        assertThat(next.deferredAlerts()).isEqualTo(1);
        next.retryDeferred();
        assertThat(next.deferredAlerts()).isZero();
        assertThat(counted("vigil.detection.correlation.firings.lost")).isEqualTo(1);
        assertThat(spooled()).isEmpty();
        storeDown.set(false);
        assertThat(alertsOf(correlation, user)).isEmpty();
    }

    @Test
    void aStoredAlertTheStoreRefusesIsSetAsideNotRetriedForever() throws Exception {
        String user = "kate-" + UUID.randomUUID();
        fireWhileTheStoreIsDown(user);
        // the store is back but refuses this alert's value (a data error, SQLState class 22)
        storeDown.set(false);
        refuseCorrelations.set(true);
        detection.tick();
        assertThat(detection.deferredAlerts()).isZero();
        assertThat(spooled()).isEmpty();
        assertThat(setAside(FiringSpool.REFUSED)).hasSize(1);
        assertThat(counted("vigil.detection.correlation.firings.lost")).isEqualTo(1);
    }

    @Test
    void anOutageOfTheAlertStoreOnlyForBatchesWithAlertsBlamesNoRecord() throws Exception {
        String user = "leo-" + UUID.randomUUID();
        try (IngestPipeline pipeline = pipeline()) {
            // only the alarm raises an alert: every half without it would succeed while the store is down, so
            // bisection would have isolated the alarm as a bad record
            storeDown.set(true);
            assertThat(pipeline.offer(fourFailuresAnd(user, "alarm 1 for " + user)))
                    .isNotNull();
            await(() -> raiseCalls.get() >= 3);
            // held and retried whole, none blamed
            assertThat(pipeline.heldEvents()).isEqualTo(5);
            assertThat(pipeline.failedEvents()).isZero();
            assertThat(pipeline.deliveredEvents()).isZero();

            storeDown.set(false);
            await(() -> pipeline.deliveredEvents() == 5);
            assertThat(pipeline.failedEvents()).isZero();
            assertThat(pipeline.heldEvents()).isZero();
            assertThat(pipeline.outageFailures()).isGreaterThanOrEqualTo(3);
            assertThat(alertsOf(alarm, user)).hasSize(1);
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(4);

            run(pipeline, List.of(event(user, marker + " 5", 6)));
            List<Alert> fired = alertsOf(correlation, user);
            assertThat(fired).hasSize(1);
            assertThat(contributing(fired.get(0))).isEqualTo(5);
            assertThat(pipeline.failedEvents()).isZero();
        }
    }

    @Test
    void aBadRecordIsStillIsolatedOnceTheStoreIsBack() throws Exception {
        String user = "mia-" + UUID.randomUUID();
        try (IngestPipeline pipeline = pipeline()) {
            storeDown.set(true);
            assertThat(pipeline.offer(fourFailuresAnd(user, marker + " alarm " + POISON)))
                    .isNotNull();
            await(() -> raiseCalls.get() >= 2);
            assertThat(pipeline.failedEvents()).isZero();
            assertThat(pipeline.heldEvents()).isEqualTo(5);

            // the store answers again and refuses the poisoned record's alert: that record alone is isolated
            storeDown.set(false);
            await(() -> pipeline.deliveredEvents() + pipeline.failedEvents() == 5);
            assertThat(pipeline.failedEvents()).isEqualTo(1);
            assertThat(pipeline.deliveredEvents()).isEqualTo(4);
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(4);
            assertThat(alertsOf(correlation, user)).isEmpty();
        }
    }

    @Test
    void aRecordWhoseAlertInsertAlwaysTimesOutIsIsolatedAndTheRestStored() throws Exception {
        String user = "nina-" + UUID.randomUUID();
        String slow = "SLOW-" + UUID.randomUUID().toString().substring(0, 8);
        String trigger = "slow_alert_" + slow.substring(5);
        // a pathological record: inserting its alert takes far longer than the statement timeout, every time
        jdbc.sql("""
                        create function %1$s() returns trigger language plpgsql as $$
                        begin
                          if new.raw like '%%%2$s%%' then perform pg_sleep(30); end if;
                          return new;
                        end $$""".formatted(trigger, slow)).update();
        jdbc.sql("create trigger %1$s before insert on alerts for each row execute function %1$s()".formatted(trigger))
                .update();
        statementTimeoutMs.set(300);
        try (IngestPipeline pipeline = new IngestPipeline(
                10_000, 64 << 20, 1, new InstantJournal(), detection::process, Duration.ofSeconds(1))) {
            // the slow record last, so bisection delivers the halves in event-time order (this engine has no
            // out-of-order allowance)
            List<IngestedEvent> batch = fourFailuresAnd(user, "alarm 1 for " + user);
            batch.add(event(user, "alarm " + slow + " for " + user, 5));
            run(pipeline, batch);
            // retried for the bounded time, then bisected: the slow record alone is isolated and counted
            assertThat(pipeline.failedEvents()).isEqualTo(1);
            assertThat(pipeline.deliveredEvents()).isEqualTo(5);
            assertThat(pipeline.statementFailures()).isGreaterThanOrEqualTo(2);
            assertThat(pipeline.outageFailures()).isZero();
            assertThat(pipeline.heldEvents()).isZero();
            // the rest of the batch is stored: the other alarm and the four failed logins (below the threshold)
            List<Alert> alarms = alertsOf(alarm, user);
            assertThat(alarms).hasSize(1);
            assertThat(alarms.get(0).raw()).doesNotContain(slow);
            assertThat(rules.engine().correlationStats().offered()).isEqualTo(4);

            // the pipeline goes on: the fifth failure completes the correlation over exactly five events
            run(pipeline, List.of(event(user, marker + " 5", 6)));
            List<Alert> fired = alertsOf(correlation, user);
            assertThat(fired).hasSize(1);
            assertThat(contributing(fired.get(0))).isEqualTo(5);
            assertThat(pipeline.failedEvents()).isEqualTo(1);
        } finally {
            statementTimeoutMs.set(0);
            jdbc.sql("drop trigger if exists %1$s on alerts".formatted(trigger)).update();
            jdbc.sql("drop function if exists %1$s()".formatted(trigger)).update();
        }
    }

    double gauge(String meter, String dir) {
        return detectionMeters.get(meter).tag("dir", dir).gauge().value();
    }

    double prunedCount(String dir) {
        return detectionMeters
                .get("vigil.detection.correlation.firings.set.aside.pruned")
                .tag("dir", dir)
                .functionCounter()
                .count();
    }

    @Test
    void corruptFilesKeepTheirBoundAndTheDeletionsAreCountedAndReported() throws Exception {
        for (int i = 0; i < 5; i++) {
            java.nio.file.Files.writeString(spoolDir.resolve(UUID.randomUUID() + ".json"), "{\"version\":1,\"since\":");
        }
        // at most two files kept in corrupt/
        DefaultDetectionService next = detection(clock, properties, new FiringSpool(spoolDir, json, 2, 1 << 20));
        assertThat(next.deferredAlerts()).isZero();
        assertThat(counted("vigil.detection.correlation.firings.corrupt")).isEqualTo(5);
        assertThat(setAside(FiringSpool.CORRUPT)).hasSize(2);
        assertThat(gauge("vigil.detection.correlation.firings.set.aside", FiringSpool.CORRUPT))
                .isEqualTo(2);
        assertThat(prunedCount(FiringSpool.CORRUPT)).isEqualTo(3);
        // the status endpoint's line
        dev.vigil.server.detection.RuleSetStatus.WaitingFirings status = detectionMetrics.waitingFirings();
        assertThat(status.corrupt()).isEqualTo(2);
        assertThat(status.refused()).isZero();
        assertThat(status.pruned()).isEqualTo(3);
        assertThat(status.waiting()).isZero();

        // a size cap: one byte keeps only the newest file (never none); a lowered bound applies at the next start
        FiringSpool capped = new FiringSpool(spoolDir, json, 1000, 1);
        assertThat(capped.kept(FiringSpool.CORRUPT)).isEqualTo(1);
        assertThat(capped.pruned(FiringSpool.CORRUPT)).isEqualTo(1);
        assertThat(setAside(FiringSpool.CORRUPT)).hasSize(1);
    }

    @Test
    void refusedAlertsKeepTheirBoundAndTheDeletionsAreCounted() throws Exception {
        detection = detection(clock, properties, new FiringSpool(spoolDir, json, 2, 1 << 20));
        String[] users = {"olga-" + UUID.randomUUID(), "pete-" + UUID.randomUUID(), "quin-" + UUID.randomUUID()};
        storeDown.set(true);
        try (IngestPipeline pipeline = pipeline()) {
            List<IngestedEvent> batch = new ArrayList<>();
            for (int i = 0; i < users.length; i++) {
                batch.addAll(fiveFailures(users[i], 1 + 10 * i));
            }
            run(pipeline, batch);
        }
        assertThat(detection.deferredAlerts()).isEqualTo(3);
        // the store is back and refuses every one of them as a bad value
        storeDown.set(false);
        refuseCorrelations.set(true);
        detection.tick();
        assertThat(detection.deferredAlerts()).isZero();
        assertThat(spooled()).isEmpty();
        assertThat(counted("vigil.detection.correlation.firings.lost")).isEqualTo(3);
        assertThat(setAside(FiringSpool.REFUSED)).hasSize(2);
        assertThat(gauge("vigil.detection.correlation.firings.set.aside", FiringSpool.REFUSED))
                .isEqualTo(2);
        assertThat(prunedCount(FiringSpool.REFUSED)).isEqualTo(1);
        assertThat(detectionMetrics.waitingFirings())
                .isEqualTo(new dev.vigil.server.detection.RuleSetStatus.WaitingFirings(0, 3, 0, 2, 1));
    }
}
