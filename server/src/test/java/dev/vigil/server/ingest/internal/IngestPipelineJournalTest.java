package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pipeline with a durable journal in front of detection (the contract the event store implements). */
class IngestPipelineJournalTest {

    /** A journal whose durability the test decides. */
    static final class FakeJournal implements DurableJournal {
        final AtomicLong nextId = new AtomicLong(1);
        final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        final List<Long> indexed = new CopyOnWriteArrayList<>();
        final List<Long> evaluated = new CopyOnWriteArrayList<>();
        volatile boolean refuse;
        List<Entry> backlog = List.of();

        @Override
        public Entry append(List<IngestedEvent> events) {
            if (refuse) {
                throw new IllegalStateException("write-ahead log failed");
            }
            long first = nextId.getAndAdd(events.size());
            List<IngestedEvent> withIds = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                withIds.add(events.get(i).withId(first + i));
            }
            CompletableFuture<Void> durable = new CompletableFuture<>();
            pending.add(durable);
            return entry(withIds, durable);
        }

        Entry entry(List<IngestedEvent> events, CompletableFuture<Void> durable) {
            return new Entry() {
                @Override
                public List<IngestedEvent> events() {
                    return events;
                }

                @Override
                public CompletableFuture<Void> durable() {
                    return durable;
                }

                @Override
                public void index() throws IOException {
                    events.forEach(e -> indexed.add(e.id()));
                }

                @Override
                public void evaluated() {
                    events.forEach(e -> evaluated.add(e.id()));
                }
            };
        }

        @Override
        public Iterator<Entry> unevaluated() {
            return backlog.iterator();
        }

        @Override
        public boolean durable() {
            return true;
        }
    }

    static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 1000 && !c.getAsBoolean(); i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }

    @Test
    void theAcknowledgementCompletesOnlyWhenTheBatchIsDurableAndDetectionSeesStoreIds() throws Exception {
        FakeJournal j = new FakeJournal();
        List<IngestedEvent> seen = new CopyOnWriteArrayList<>();
        try (IngestPipeline p = new IngestPipeline(100, 1 << 20, 1, j, seen::addAll, Duration.ZERO)) {
            CompletableFuture<Void> ack = p.offer(IngestPipelineTest.batch(3));
            TimeUnit.MILLISECONDS.sleep(100);
            assertThat(ack).isNotDone();
            assertThat(seen).isEmpty();
            j.pending.get(0).complete(null);
            assertThat(ack).succeedsWithin(Duration.ofSeconds(5));
            await(() -> seen.size() == 3);
            assertThat(seen).extracting(IngestedEvent::id).containsExactly(1L, 2L, 3L);
            await(() -> j.evaluated.size() == 3);
            assertThat(j.indexed).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aBatchThatCouldNotBeMadeDurableIsNeverEvaluated() throws Exception {
        FakeJournal j = new FakeJournal();
        List<IngestedEvent> seen = new CopyOnWriteArrayList<>();
        try (IngestPipeline p = new IngestPipeline(100, 1 << 20, 1, j, seen::addAll, Duration.ZERO)) {
            CompletableFuture<Void> ack = p.offer(IngestPipelineTest.batch(4));
            j.pending.get(0).completeExceptionally(new IOException("fsync failed"));
            assertThat(ack).failsWithin(Duration.ofSeconds(5));
            await(() -> p.notDurableEvents() == 4);
            assertThat(seen).isEmpty();
            assertThat(j.evaluated).isEmpty();
            await(() -> p.queuedEvents() == 0);

            j.refuse = true;
            CompletableFuture<Void> refused = p.offer(IngestPipelineTest.batch(2));
            assertThat(refused).isCompletedExceptionally();
            assertThat(p.queuedEvents())
                    .as("the refused batch's budget is returned")
                    .isZero();
        }
    }

    @Test
    void durableEventsLeftUnevaluatedByTheLastRunAreReplayedAtStart() throws Exception {
        FakeJournal j = new FakeJournal();
        List<IngestedEvent> b1 = new ArrayList<>();
        IngestPipelineTest.batch(2).forEach(e -> b1.add(e.withId(10 + b1.size())));
        j.backlog = List.of(j.entry(b1, CompletableFuture.completedFuture(null)));
        List<IngestedEvent> seen = new CopyOnWriteArrayList<>();
        try (IngestPipeline p = new IngestPipeline(100, 1 << 20, 1, j, seen::addAll, Duration.ZERO)) {
            p.start();
            await(() -> j.evaluated.size() == 2);
            assertThat(seen).extracting(IngestedEvent::id).containsExactly(10L, 11L);
            // the replay thread counts a batch after handing it over; the worker may have evaluated it already
            await(() -> p.replayedEvents() == 2);
        }
    }

    @Test
    void aFailingSinkIsRetriedWhileTheJournalHoldsTheEvents() throws Exception {
        FakeJournal j = new FakeJournal();
        AtomicInteger calls = new AtomicInteger();
        try (IngestPipeline p = new IngestPipeline(
                100,
                1 << 20,
                1,
                j,
                b -> {
                    // down for the batch and both its halves (so not one bad event), then for the first retry
                    if (calls.incrementAndGet() <= 4) {
                        throw new IllegalStateException("database down");
                    }
                },
                Duration.ofSeconds(30))) {
            p.offer(IngestPipelineTest.batch(5));
            j.pending.get(0).complete(null);
            await(() -> p.deliveredEvents() == 5);
            assertThat(calls.get()).isEqualTo(5);
            assertThat(p.failedEvents()).isZero();
            assertThat(j.evaluated).hasSize(5);
        }
    }

    @Test
    void aBacklogAtShutdownIsDeferredToTheNextStartNotDropped() throws Exception {
        FakeJournal j = new FakeJournal();
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger discarded = new AtomicInteger();
        IngestPipeline p = new IngestPipeline(
                1000,
                1 << 20,
                1,
                j,
                b -> {
                    inSink.countDown();
                    release.await();
                },
                Duration.ZERO);
        p.onDiscard(events -> discarded.addAndGet(events.size()));
        p.offer(IngestPipelineTest.batch(10));
        j.pending.get(0).complete(null);
        assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
        p.offer(IngestPipelineTest.batch(20));
        release.countDown();
        p.close();
        assertThat(discarded.get()).isZero();
        assertThat(j.evaluated).hasSize(10); // the rest is evaluated after the next start (the journal replays it)
    }
}
