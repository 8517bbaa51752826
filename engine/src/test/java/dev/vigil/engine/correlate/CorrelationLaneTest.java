package dev.vigil.engine.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleSet;
import dev.vigil.engine.SharedData;
import dev.vigil.engine.event.Event;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 2 (first half): the {@code correlation} bench lane gives the same firings on every run and under any
 * batch size.
 */
class CorrelationLaneTest {

    @Test
    void theLaneGivesIdenticalFiringsAcrossRunsAndBatchSizes() throws IOException {
        List<Event> events = CorrelationBench.readLane(SharedData.resolve("bench/lanes/correlation.ndjson"));
        RuleSet rules = CorrelationBench.rules(SharedData.resolve("bench/correlation-rules.yml"));
        assertThat(rules.correlationPlan().size()).isEqualTo(4);
        CorrelationOptions options = CorrelationOptions.defaults();
        CorrelationBench.Run reference = CorrelationBench.run(rules, events, 1000, options);
        List<String> expected = CorrelationBench.firingSignature(reference.firings());
        // 100 users with >= 4 failures, 10 hosts with >= 10 source addresses and > 50,000 bytes, 100 users with a
        // success after a failure; each group fires once (all events share one processing-time instant).
        assertThat(reference.firings()).hasSize(220);
        assertThat(reference.baseDetections()).isZero(); // generate: false
        assertThat(reference.stats().lateDetections()).isZero();
        for (int batch : new int[] {1, 7, 256, 1000, 10_000}) {
            for (int run = 0; run < 2; run++) {
                CorrelationBench.Run r = CorrelationBench.run(rules, events, batch, options);
                assertThat(CorrelationBench.firingSignature(r.firings()))
                        .as("batch size %d, run %d", batch, run)
                        .isEqualTo(expected);
            }
        }
        // Processing without holding back (allowance zero) gives the same firings too: the lane is in order.
        CorrelationBench.Run direct =
                CorrelationBench.run(rules, events, 100, options.withAllowance(java.time.Duration.ZERO));
        assertThat(CorrelationBench.firingSignature(direct.firings())).isEqualTo(expected);
    }
}
