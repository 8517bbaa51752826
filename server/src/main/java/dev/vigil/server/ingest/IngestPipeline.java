package dev.vigil.server.ingest;

import dev.vigil.server.ingest.internal.BoundedBatchQueue;
import dev.vigil.server.normalize.IngestedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one hand-off between receivers and detection: a bounded queue of normalized batches (bounded in events and in
 * estimated bytes) and a few worker threads that deliver each batch to the {@link EventSink}.
 *
 * <p>{@link #offer} is all-or-nothing and never blocks: a receiver learns at once that the pipeline is full and
 * applies its own backpressure. On success it returns an acknowledgement future that completes when the batch is
 * <em>accepted</em>: today that is "queued"; when the durable event store arrives (issue 9) the future completes after
 * the batch is durable, and HTTP receivers, which already wait on it, acknowledge only then.
 *
 * <p>Invariant: budget is released only after the sink returns, so memory is bounded by the queue budget plus one
 * batch per worker being normalized upstream. Every batch is counted as delivered or failed.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);

    /** A queued batch and its acknowledgement. */
    private record Batch(List<IngestedEvent> events, long bytes, CompletableFuture<Void> ack) {}

    private final BoundedBatchQueue<Batch> queue;
    private final EventSink sink;
    private final List<Thread> workers = new ArrayList<>();
    private final java.util.List<java.util.function.Consumer<List<IngestedEvent>>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refusedBatches = new LongAdder();
    private volatile boolean running;

    public IngestPipeline(long maxEvents, long maxBytes, int workerCount, EventSink sink) {
        this.queue = new BoundedBatchQueue<>(maxEvents, maxBytes, new BoundedBatchQueue.Weigher<>() {
            @Override
            public int items(Batch b) {
                return b.events().size();
            }

            @Override
            public long bytes(Batch b) {
                return b.bytes();
            }
        });
        this.sink = sink;
        running = true;
        for (int i = 0; i < workerCount; i++) {
            Thread t =
                    Thread.ofPlatform().name("vigil-ingest-" + i).daemon(true).unstarted(this::work);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Offers a batch whole. Returns the acknowledgement (complete when accepted), or null when the pipeline is full
     * or closed (nothing was taken).
     */
    public CompletableFuture<Void> offer(List<IngestedEvent> events) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long bytes = 0;
        for (IngestedEvent e : events) {
            bytes += estimateBytes(e);
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        if (!queue.tryOffer(new Batch(events, bytes, ack))) {
            refusedBatches.increment();
            return null;
        }
        ack.complete(null); // accepted into the pipeline; issue 9 moves this to "durable"
        return ack;
    }

    /**
     * Heap cost of an event: the raw text (held as Latin-1 or UTF-16) plus parsed fields, roughly three times the raw
     * size, plus object overhead. An estimate that errs high keeps the bound honest.
     */
    static long estimateBytes(IngestedEvent e) {
        return 512L + 4L * (e.raw() == null ? 0 : e.raw().length());
    }

    /** True when a new request should be refused before its body is read. */
    public boolean isSaturated() {
        return queue.isSaturated();
    }

    /** Runs {@code listener} once when the queue has drained to half its budget. */
    public void onDrained(Runnable listener) {
        queue.onDrained(listener);
    }

    private void work() {
        while (running) {
            Batch b;
            try {
                b = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (b == null) {
                continue;
            }
            try {
                sink.accept(b.events());
                delivered.add(b.events().size());
                for (var l : listeners) {
                    l.accept(b.events());
                }
            } catch (Exception | LinkageError e) {
                failed.add(b.events().size());
                log.error(
                        "detection failed for a batch of {} events; they are counted as failed",
                        b.events().size(),
                        e);
            } finally {
                queue.release(b);
            }
        }
    }

    /**
     * Observes delivered batches (after the sink returned), e.g. for a live tail or a test. Listeners run on worker
     * threads and must be quick; the default is none.
     */
    public void addListener(java.util.function.Consumer<List<IngestedEvent>> listener) {
        listeners.add(listener);
    }

    public void removeListener(java.util.function.Consumer<List<IngestedEvent>> listener) {
        listeners.remove(listener);
    }

    public long queuedEvents() {
        return queue.items();
    }

    public long queuedBytes() {
        return queue.bytes();
    }

    public long maxEvents() {
        return queue.maxItems();
    }

    public long maxBytes() {
        return queue.maxBytes();
    }

    public long deliveredEvents() {
        return delivered.sum();
    }

    public long failedEvents() {
        return failed.sum();
    }

    public long refusedBatches() {
        return refusedBatches.sum();
    }

    /**
     * Called with the events still queued when the pipeline shuts down (they were acknowledged as accepted but never
     * evaluated), so the intake can count them as dropped. Until the durable event store (issue 9) exists, a restart
     * loses queued events; this makes the loss counted and logged, never silent.
     */
    public void onDiscard(java.util.function.Consumer<List<IngestedEvent>> listener) {
        this.discardListener = listener;
    }

    private volatile java.util.function.Consumer<List<IngestedEvent>> discardListener = events -> {};

    /**
     * Stops accepting, lets each worker finish the batch it is evaluating (waiting up to 30 seconds in all), then
     * counts what is still queued as discarded. Does not drain a large backlog: shutdown stays quick.
     */
    @Override
    public void close() {
        queue.close();
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long discarded = 0;
        for (Batch b : queue.drainAll()) {
            discarded += b.events().size();
            discardListener.accept(b.events());
        }
        if (discarded > 0) {
            log.warn("shutdown: {} queued events were not evaluated and are counted as dropped", discarded);
        }
    }
}
