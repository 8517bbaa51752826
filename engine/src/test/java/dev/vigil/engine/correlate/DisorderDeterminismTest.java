package dev.vigil.engine.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Determinism with timestamps out of order: the same stream in the same order gives the same firings (and the same
 * late count) under any batch size, and with an allowance that covers the disorder the firings equal those of the
 * stream sorted by event time.
 */
class DisorderDeterminismTest {
    static final String RULES = Harness.rule("fail", "failure") + Harness.rule("ok", "success") + """
            title: Burst
            id: burst
            correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 2m, condition: {gte: 4}}
            ---
            title: Fanout
            id: fanout
            correlation:
                type: value_count
                rules: [fail]
                group-by: [Computer]
                timespan: 5m
                condition: {field: SourceIP, gte: 5}
            ---
            title: Then success
            id: then-ok
            correlation: {type: temporal_ordered, rules: [fail, ok], group-by: [User], timespan: 3m}
            ---
            title: Median bytes
            id: median
            correlation:
                type: value_median
                rules: [fail, ok]
                group-by: [Computer]
                timespan: 10m
                condition: {field: Bytes, gte: 2500}
            """;

    static List<Event> stream(int n, int maxDisorderSeconds, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double t = i * 2.0 - rnd.nextInt(maxDisorderSeconds * 1000 + 1) / 1000.0;
            events.add(Harness.ev(
                    t,
                    "EventType",
                    rnd.nextInt(5) == 0 ? "success" : "failure",
                    "User",
                    "u" + rnd.nextInt(20),
                    "Computer",
                    "h" + rnd.nextInt(6),
                    "SourceIP",
                    "10.0.0." + rnd.nextInt(12),
                    "Bytes",
                    (long) rnd.nextInt(5000)));
        }
        return events;
    }

    static Harness run(RuleSet rules, List<Event> events, int batch, Duration allowance) {
        Harness h = new Harness(rules, CorrelationOptions.defaults().withAllowance(allowance));
        for (int i = 0; i < events.size(); i += batch) h.batch(events.subList(i, Math.min(events.size(), i + batch)));
        h.flush();
        return h;
    }

    @Test
    void sameFiringsAndLateCountsUnderAnyBatchSize() {
        RuleSet rules = Harness.rules(RULES);
        List<Event> events = stream(3000, 20, 7);
        Harness reference = run(rules, events, 1, Duration.ofSeconds(10)); // disorder up to 20 s: some late
        assertThat(reference.firings).hasSizeGreaterThan(20);
        assertThat(reference.stats().lateDetections()).isPositive();
        for (int batch : new int[] {3, 64, 1000, 3000}) {
            Harness h = run(rules, events, batch, Duration.ofSeconds(10));
            assertThat(CorrelationBench.firingSignature(h.firings))
                    .as("batch %d", batch)
                    .isEqualTo(CorrelationBench.firingSignature(reference.firings));
            assertThat(h.stats().lateDetections()).isEqualTo(reference.stats().lateDetections());
        }
    }

    @Test
    void anAllowanceCoveringTheDisorderEqualsProcessingTheSortedStream() {
        RuleSet rules = Harness.rules(RULES);
        List<Event> events = stream(3000, 20, 11);
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(java.util.Comparator.comparing(Event::timestamp)); // stable: ties keep arrival order
        Harness disordered = run(rules, events, 100, Duration.ofSeconds(21));
        Harness inOrder = run(rules, sorted, 100, Duration.ZERO);
        assertThat(disordered.stats().lateDetections()).isZero();
        assertThat(inOrder.stats().lateDetections()).isZero();
        assertThat(CorrelationBench.firingSignature(disordered.firings))
                .isEqualTo(CorrelationBench.firingSignature(inOrder.firings));
    }
}
