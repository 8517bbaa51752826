package dev.vigil.server.detection.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Detection counters for Prometheus ({@code vigil_detection_*}). */
@Component
class DetectionMetrics {
    private final Counter events;
    private final Counter unevaluated;
    private final Counter detections;
    private final Counter alerts;
    private final Counter suppressed;
    private final Counter failures;
    private final Timer batches;
    private final AtomicInteger activeRules = new AtomicInteger();
    private volatile java.util.function.Supplier<dev.vigil.engine.Engine> engine = () -> null;
    private final Counter withheld;
    private final Counter late;
    private final Counter evicted;
    private final Counter firingsDeferred;
    private final Counter firingsLost;
    private final Counter firingsCorrupt;
    private final Counter firingsUnspooled;
    private final java.util.concurrent.atomic.AtomicInteger firingsWaiting =
            new java.util.concurrent.atomic.AtomicInteger();

    private final MeterRegistry registry;
    private volatile FiringSpool spool;

    DetectionMetrics(MeterRegistry registry) {
        this.registry = registry;
        withheld = counter(
                registry,
                "vigil.detection.correlation.withheld",
                "base detections that only feed correlation rules (generate: false), raised as no alert");
        late = counter(
                registry,
                "vigil.detection.correlation.late",
                "detections older than the correlation watermark, not folded into any window");
        evicted = counter(
                registry, "vigil.detection.correlation.evicted", "correlation groups evicted to honour the state caps");
        firingsDeferred = counter(
                registry,
                "vigil.detection.correlation.firings.deferred",
                "correlation alerts that could not be stored at once and were kept for a retry");
        firingsLost = counter(
                registry,
                "vigil.detection.correlation.firings.lost",
                "correlation alerts given up: refused by the alert store (kept in the spool's refused/), or"
                        + " waiting beyond the bound (vigil.detection.correlation.max-waiting-firings,"
                        + " max-firing-wait)");
        firingsCorrupt = counter(
                registry,
                "vigil.detection.correlation.firings.corrupt",
                "unreadable files of the correlation firing spool found at start, set aside in corrupt/");
        firingsUnspooled = counter(
                registry,
                "vigil.detection.correlation.firings.unspooled",
                "deferred correlation alerts that could not be written to the spool (they waited in memory only)");
        registry.gauge("vigil.detection.correlation.firings.waiting", firingsWaiting);
        events = counter(registry, "vigil.detection.events", "events evaluated by the engine");
        unevaluated =
                counter(registry, "vigil.detection.events.unevaluated", "events received while no rule was active");
        detections = counter(registry, "vigil.detection.detections", "rule matches (before suppression)");
        alerts = counter(registry, "vigil.detection.alerts", "detections raised as alerts");
        suppressed = counter(
                registry,
                "vigil.detection.suppressed",
                "detections not raised: below the alerting level or over the per-rule rate limit");
        failures = counter(registry, "vigil.detection.rule.failures", "rule evaluation failures");
        batches = Timer.builder("vigil.detection.batch")
                .description("time to match a batch and store its alerts")
                .register(registry);
        registry.gauge("vigil.detection.rules.active", activeRules);
        correlationGauge(
                registry, "vigil.detection.correlation.groups", "correlation group states kept", s -> s.groups());
        correlationGauge(
                registry,
                "vigil.detection.correlation.held.back",
                "detections held back for event-time ordering",
                s -> s.heldBack());
        // the watermark per partition: production's, and the exercises' aggregated (the one furthest behind) so the
        // series stay two however many drills run; the API (GET /api/v1/rules/status) lists every exercise's clock
        for (boolean exercise : new boolean[] {false, true}) {
            io.micrometer.core.instrument.Gauge.builder(
                            "vigil.detection.correlation.watermark", this, m -> m.watermarkSeconds(exercise))
                    .description("correlation watermark (event time, epoch seconds): production's, and the earliest"
                            + " of the exercises being correlated; absent (NaN) before the first detection")
                    .baseUnit("seconds")
                    .tag("partition", exercise ? "exercise" : "production")
                    .register(registry);
        }
        correlationGauge(
                registry,
                "vigil.detection.correlation.exercise.partitions",
                "exercises whose replayed events are being correlated (one partition each)",
                s -> Math.max(0, s.partitions().size() - 1));
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "vigil.detection.correlation.firings",
                        this,
                        m -> m.correlationStat(s -> s.firings() + s.killChainFirings()))
                .description("correlation and kill-chain firings")
                .register(registry);
    }

    private void correlationGauge(
            MeterRegistry registry,
            String name,
            String description,
            java.util.function.ToDoubleFunction<dev.vigil.engine.correlate.CorrelationStats> stat) {
        io.micrometer.core.instrument.Gauge.builder(name, this, m -> m.correlationStat(stat))
                .description(description)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    void batch(int eventCount, int detectionCount, int alertCount, int suppressedCount, int failureCount, long nanos) {
        events.increment(eventCount);
        detections.increment(detectionCount);
        alerts.increment(alertCount);
        suppressed.increment(suppressedCount);
        failures.increment(failureCount);
        batches.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void withheld() {
        withheld.increment();
    }

    /** {@code n} more correlation alerts deferred; {@code waiting} now wait for the alert store. */
    void firingsDeferred(int n, int waiting) {
        firingsDeferred.increment(n);
        firingsWaiting.set(waiting);
    }

    void firingsLost(int n) {
        firingsLost.increment(n);
    }

    void firingsCorrupt(int n) {
        firingsCorrupt.increment(n);
    }

    void firingsUnspooled(int n) {
        firingsUnspooled.increment(n);
    }

    /**
     * Reports the firing spool's set-aside directories: {@code vigil.detection.correlation.firings.set.aside{dir}}
     * (files kept in {@code corrupt/}, {@code refused/}) and {@code ...set.aside.pruned{dir}} (deleted to keep the
     * bound).
     */
    void spool(FiringSpool s) {
        this.spool = s;
        for (String where : java.util.List.of(FiringSpool.CORRUPT, FiringSpool.REFUSED)) {
            io.micrometer.core.instrument.Gauge.builder(
                            "vigil.detection.correlation.firings.set.aside", s, x -> x.kept(where))
                    .tag("dir", where)
                    .description("files kept in the correlation firing spool's " + where + "/ (bounded)")
                    .register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder(
                            "vigil.detection.correlation.firings.set.aside.pruned", s, x -> x.pruned(where))
                    .tag("dir", where)
                    .description("files deleted from the correlation firing spool's " + where
                            + "/ to keep it within vigil.detection.correlation.max-set-aside-files and -size")
                    .register(registry);
        }
    }

    /** The correlation alerts waiting for the alert store and the spool's set-aside files, for the status API. */
    dev.vigil.server.detection.RuleSetStatus.WaitingFirings waitingFirings() {
        FiringSpool s = spool;
        return new dev.vigil.server.detection.RuleSetStatus.WaitingFirings(
                firingsWaiting.get(),
                (long) firingsLost.count(),
                s == null ? 0 : s.kept(FiringSpool.CORRUPT),
                s == null ? 0 : s.kept(FiringSpool.REFUSED),
                s == null ? 0 : s.pruned(FiringSpool.CORRUPT) + s.pruned(FiringSpool.REFUSED));
    }

    void late() {
        late.increment();
    }

    void evicted() {
        evicted.increment();
    }

    /** Where the correlation gauges read the engine (set once the engine's holder exists). */
    void correlation(java.util.function.Supplier<dev.vigil.engine.Engine> engine) {
        this.engine = engine;
    }

    private double correlationStat(java.util.function.ToDoubleFunction<dev.vigil.engine.correlate.CorrelationStats> f) {
        dev.vigil.engine.Engine e = engine.get();
        return e == null ? 0 : f.applyAsDouble(e.correlationStats());
    }

    /**
     * Production's correlation watermark in epoch seconds ({@code exercise} false), or the earliest watermark of the
     * exercise partitions; NaN when there is none.
     */
    double watermarkSeconds(boolean exercise) {
        dev.vigil.engine.Engine e = engine.get();
        if (e == null) {
            return Double.NaN;
        }
        java.util.List<dev.vigil.engine.correlate.CorrelationStats.PartitionClock> clocks =
                e.correlationStats().partitions();
        java.time.Instant w = null;
        for (int i = exercise ? 1 : 0; i < (exercise ? clocks.size() : Math.min(1, clocks.size())); i++) {
            java.time.Instant c = clocks.get(i).watermark();
            if (c != null && (w == null || c.isBefore(w))) {
                w = c;
            }
        }
        return w == null ? Double.NaN : w.getEpochSecond() + w.getNano() / 1e9;
    }

    void unevaluated(int count) {
        unevaluated.increment(count);
    }

    void activeRules(int n) {
        activeRules.set(n);
    }

    long events() {
        return (long) events.count();
    }

    long detections() {
        return (long) detections.count();
    }
}
