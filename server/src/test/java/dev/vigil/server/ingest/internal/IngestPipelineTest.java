package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.event.Event;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IngestPipelineTest {
    static List<IngestedEvent> batch(int n) {
        List<IngestedEvent> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new IngestedEvent("s", null, Instant.EPOCH, "x", Event.of(Map.of("i", i))));
        }
        return l;
    }

    @Test
    void offersAreAllOrNothingAndBoundedWhileTheSinkIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        try (IngestPipeline p = new IngestPipeline(100, 1 << 20, 1, b -> {
            release.await();
            delivered.addAndGet(b.size());
        })) {
            assertThat(p.offer(batch(60))).isNotNull(); // taken by the worker, still counted until released
            assertThat(p.offer(batch(30))).isNotNull();
            assertThat(p.offer(batch(20))).isNull(); // 60 + 30 + 20 > 100: refused whole
            assertThat(p.queuedEvents()).isEqualTo(90);
            assertThat(p.refusedBatches()).isEqualTo(1);
            CountDownLatch drained = new CountDownLatch(1);
            p.onDrained(drained::countDown);
            release.countDown();
            assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 500 && delivered.get() < 90; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(delivered.get()).isEqualTo(90);
            assertThat(p.offer(batch(20))).isNotNull();
        }
    }

    @Test
    void aFailingSinkIsCountedAndTheWorkerCarriesOn() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (IngestPipeline p = new IngestPipeline(100, 1 << 20, 1, b -> {
            if (down.get()) {
                throw new IllegalStateException("database down");
            }
        })) {
            p.offer(batch(5));
            for (int i = 0; i < 500 && p.failedEvents() < 5; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(p.failedEvents()).isEqualTo(5);
            down.set(false);
            p.offer(batch(7));
            for (int i = 0; i < 500 && p.deliveredEvents() < 7; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(p.failedEvents()).isEqualTo(5);
            assertThat(p.deliveredEvents()).isEqualTo(7);
        }
    }

    @Test
    void oneEventDetectionFailsOnDoesNotFailTheEventsBatchedWithIt() throws Exception {
        List<IngestedEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (IngestPipeline p = new IngestPipeline(10_000, 1 << 24, 1, b -> {
            for (IngestedEvent e : b) {
                if (Long.valueOf(777).equals(e.event().get("i"))) {
                    throw new IllegalStateException("detection bug on a hostile value");
                }
            }
        })) {
            p.addListener(seen::addAll);
            p.offer(batch(1000));
            p.offer(batch(500)); // chunked with the first: evaluated in the same sink call
            for (int i = 0; i < 500 && p.deliveredEvents() + p.failedEvents() < 1500; i++) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(p.failedEvents()).isEqualTo(1);
            assertThat(p.deliveredEvents()).isEqualTo(1499);
            assertThat(seen)
                    .hasSize(1499)
                    .noneMatch(e -> Long.valueOf(777).equals(e.event().get("i")));
        }
    }

    @Test
    void closeDoesNotDrainABacklogButCountsItAsDiscarded() throws Exception {
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger discarded = new AtomicInteger();
        IngestPipeline p = new IngestPipeline(1000, 1 << 20, 1, b -> {
            inSink.countDown();
            release.await();
        });
        p.onDiscard(events -> discarded.addAndGet(events.size()));
        p.offer(batch(10));
        assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
        p.offer(batch(20));
        p.offer(batch(30));
        release.countDown();
        p.close();
        assertThat(p.deliveredEvents() + discarded.get()).isEqualTo(60);
        assertThat(p.offer(batch(1))).isNull();
    }
}
