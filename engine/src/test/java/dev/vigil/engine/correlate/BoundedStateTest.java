package dev.vigil.engine.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipelines;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 2 (second half): state stays bounded on a long synthetic run with high group cardinality. The build
 * runs a short form (100,000 events); the 10,000,000-event form is {@link #main}:
 *
 * <pre>
 * ./mvnw -q -pl engine -am test-compile -DskipTests
 * java -Xmx1g -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/classpath.txt) \
 *     dev.vigil.engine.correlate.BoundedStateTest 10000000
 * </pre>
 */
class BoundedStateTest {
    static final String RULES = Harness.rule("fail", "failure") + """
            title: Burst by user
            id: burst
            correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1h, condition: {gte: 3}}
            ---
            title: Fanout by host
            id: fanout
            correlation:
                type: value_count
                rules: [fail]
                group-by: [Computer]
                timespan: 1h
                condition: {field: SourceIP, gte: 50}
            ---
            title: Volume by source
            id: volume
            correlation:
                type: value_avg
                rules: [fail]
                group-by: [SourceIP]
                timespan: 1h
                condition: {field: Bytes, gt: 1000000}
            """;

    record Result(long events, int maxGroups, CorrelationStats stats, long firings, long nanos, long heapBytes) {}

    /** Synthetic events: ~all users distinct (high cardinality), 100 events per simulated second. */
    static Result run(long total, long stepMillis, int perRule, int global) {
        RuleSet rules = Harness.rules(RULES);
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
        Engine engine = Engine.create(
                rules,
                EngineOptions.defaults()
                        .withRouting(false)
                        .withPipeline(Pipelines.builtin("none"))
                        .withClock(clock),
                CorrelationOptions.defaults()
                        .withAllowance(Duration.ofSeconds(5))
                        .withCaps(perRule, global));
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        int batch = 1000;
        List<Event> events = new ArrayList<>(batch);
        int maxGroups = 0;
        long firings = 0;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            // Mostly unique users; every 10th event reuses one of 1,000 users so some bursts fire.
            String user = i % 10 == 0 ? "hot-" + rnd.nextInt(1000) : "u-" + i;
            events.add(Event.builder()
                    .add("EventType", "failure")
                    .add("User", user)
                    .add("Computer", "h-" + rnd.nextInt(100_000))
                    .add("SourceIP", "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256))
                    .add("Bytes", (long) rnd.nextInt(5000))
                    .timestamp(t0.plusMillis(i * stepMillis - rnd.nextInt(3000)))
                    .build());
            if (events.size() == batch) {
                for (Detection d : engine.match(events).detections()) if (d.correlation() != null) firings++;
                events.clear();
                maxGroups = Math.max(maxGroups, engine.correlationStats().groups());
            }
        }
        for (Detection d : engine.match(events).detections()) if (d.correlation() != null) firings++;
        firings += engine.flush().detections().size();
        long nanos = System.nanoTime() - start;
        long heap = -1;
        if (total >= 1_000_000) { // the soak: heap in use with the engine (and its state) still reachable
            System.gc();
            Runtime rt = Runtime.getRuntime();
            heap = rt.totalMemory() - rt.freeMemory();
        }
        return new Result(total, maxGroups, engine.correlationStats(), firings, nanos, heap);
    }

    @Test
    void highCardinalityStateStaysWithinTheCapsAndEvictionsAreCounted() {
        Result r = run(100_000, 10, 10_000, 25_000);
        assertThat(r.maxGroups()).isLessThanOrEqualTo(25_000);
        assertThat(r.stats().groups()).isLessThanOrEqualTo(25_000);
        assertThat(r.stats().evictions()).isPositive();
        assertThat(r.firings()).isPositive();
        assertThat(r.stats().heldBack()).isZero();
        assertThat(r.stats().lateDetections()).isZero(); // disorder (3 s) is within the 5 s allowance
    }

    @Test
    void idleGroupsExpireWithoutCapsBeingHit() {
        // 100,000 events over ~83 simulated minutes; windows are 1 h, so groups older than that are expired.
        Result r = run(100_000, 50, 1_000_000, 2_000_000);
        assertThat(r.stats().evictions()).isZero();
        assertThat(r.stats().expired()).isPositive();
    }

    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Result r = run(n, 10, 100_000, 1_000_000);
        System.out.printf(
                java.util.Locale.ROOT,
                "%d events in %.1f s (%.0f events/s); max groups %d (caps 100,000 per rule, 1,000,000 total); "
                        + "heap in use after GC with the state live: %d MiB; %d firings%n%s%n",
                r.events(),
                r.nanos() / 1e9,
                r.events() / (r.nanos() / 1e9),
                r.maxGroups(),
                r.heapBytes() >> 20,
                r.firings(),
                r.stats());
    }
}
