package dev.vigil.server.events;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The searchable store of every ingested event (embedded Apache Lucene by default; the interface is what an
 * OpenSearch-backed store implements when Vigil is scaled out). Events enter through the intake pipeline (the store is
 * its durable journal), never through this interface. Thread-safe; every read sees a consistent snapshot.
 */
public interface EventStore {

    /** One page of matches. @throws IllegalArgumentException for an invalid query or cursor */
    EventPage search(EventQuery query);

    /** How many events match. */
    long count(EventQuery query);

    Optional<StoredEvent> get(long id);

    /** The events with these ids that exist (retention may have removed some), in id order. */
    List<StoredEvent> get(Collection<Long> ids);

    /**
     * Field statistics over a query's matches.
     *
     * @param fields event fields to summarise; empty for the most common fields of the sample
     * @param top values per field
     * @param sample newest matches the field values are counted in (at most 100,000)
     */
    FieldStats stats(EventQuery query, List<String> fields, int top, int sample);

    /**
     * Visits every match in the query's order (ignoring its size and cursor), {@code batchSize} events at a time, on
     * one consistent snapshot: exports and retro-hunts. Stops early when the visitor returns false. Returns the number
     * of events visited.
     */
    long scan(EventQuery query, int batchSize, Predicate<List<StoredEvent>> visitor);

    StoreStatus status();
}
