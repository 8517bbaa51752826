package dev.vigil.server.ingest;

import dev.vigil.server.normalize.IngestedEvent;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link IngestPipeline} makes batches durable before anything else happens to them: the event store
 * (issue 9) implements it with a write-ahead log and group commit. The contract, in pipeline order:
 *
 * <ol>
 *   <li>{@link #append} (on the receiver's thread, quick: it copies the batch into the log's buffer) assigns every
 *       event its store id and returns an {@link Entry} whose {@link Entry#durable()} completes once the batch is on
 *       disk (fsync). HTTP receivers answer only then: that is the acknowledgement.
 *   <li>A pipeline worker waits for durability, calls {@link Entry#index()} (make the events searchable), hands the
 *       events to the {@link EventSink} (detection) and then calls {@link Entry#evaluated()}.
 *   <li>After a crash, {@link #unevaluated()} returns the durable events detection had not finished with; the
 *       pipeline evaluates them once more at start (at-least-once: an event may be evaluated twice, never zero times).
 * </ol>
 *
 * Implementations are thread-safe. {@link #NONE} keeps today's behaviour without a store: nothing is durable, ids stay
 * {@link IngestedEvent#UNSTORED} and the acknowledgement completes at once.
 */
public interface DurableJournal {

    /** A batch the journal took. */
    interface Entry {
        /** The events with their store ids, in the order appended. */
        List<IngestedEvent> events();

        /** Completes when the batch is durable; completes exceptionally when it could not be written. */
        CompletableFuture<Void> durable();

        /** Makes the (durable) events searchable; called once, by a pipeline worker, before detection. */
        void index() throws Exception;

        /** Called once after detection has evaluated the events (or given up on them, counted as failed). */
        void evaluated();
    }

    /**
     * Appends a batch (non-empty) and assigns its ids. Never blocks on I/O.
     *
     * @throws IllegalStateException when the journal is closed or has failed (nothing was taken)
     */
    Entry append(List<IngestedEvent> events);

    /**
     * Durable events that were not evaluated when the previous run stopped (crash or shutdown with a backlog), oldest
     * first, read lazily. Their {@link Entry#durable()} is complete and {@link Entry#index()} does nothing (recovery
     * already made them searchable). Called once, when the pipeline starts.
     */
    Iterator<Entry> unevaluated();

    /** True when {@link #append} makes events durable (false for {@link #NONE}). */
    boolean durable();

    /** No durability: ids stay unassigned, the acknowledgement completes at once. */
    DurableJournal NONE = new DurableJournal() {
        @Override
        public Entry append(List<IngestedEvent> events) {
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            return new Entry() {
                @Override
                public List<IngestedEvent> events() {
                    return events;
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
            return false;
        }
    };
}
