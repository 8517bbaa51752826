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

    DetectionMetrics(MeterRegistry registry) {
        withheld = Counter.builder("vigil.detection.correlation.withheld")
                .description("base detections that only feed correlation rules (generate: false), raised as no alert")
                .register(registry);
        late = Counter.builder("vigil.detection.correlation.late")
                .description("detections older than the correlation watermark, not folded into any window")
                .register(registry);
        evicted = Counter.builder("vigil.detection.correlation.evicted")
                .description("correlation groups evicted to honour the state caps")
                .register(registry);
        events = Counter.builder("vigil.detection.events")
                .description("events evaluated by the engine")
                .register(registry);
        unevaluated = Counter.builder("vigil.detection.events.unevaluated")
                .description("events received while no rule was active")
                .register(registry);
        detections = Counter.builder("vigil.detection.detections")
                .description("rule matches (before suppression)")
                .register(registry);
        alerts = Counter.builder("vigil.detection.alerts")
                .description("detections raised as alerts")
                .register(registry);
        suppressed = Counter.builder("vigil.detection.suppressed")
                .description("detections not raised: below the alerting level or over the per-rule rate limit")
                .register(registry);
        failures = Counter.builder("vigil.detection.rule.failures")
                .description("rule evaluation failures")
                .register(registry);
        batches = Timer.builder("vigil.detection.batch")
                .description("time to match a batch and store its alerts")
                .register(registry);
        registry.gauge("vigil.detection.rules.active", activeRules);
        io.micrometer.core.instrument.Gauge.builder(
                        "vigil.detection.correlation.groups", this, m -> m.correlationStat(s -> s.groups()))
                .description("correlation group states kept")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "vigil.detection.correlation.held.back", this, m -> m.correlationStat(s -> s.heldBack()))
                .description("detections held back for event-time ordering")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "vigil.detection.correlation.firings",
                        this,
                        m -> m.correlationStat(s -> s.firings() + s.killChainFirings()))
                .description("correlation and kill-chain firings")
                .register(registry);
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
