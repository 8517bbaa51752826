package dev.vigil.server.events;

import java.time.Instant;

/**
 * A search over stored events.
 *
 * @param query Lucene query syntax over the event fields ({@code Image:*\\powershell.exe AND User:admin*}); bare words
 *     search the raw record; blank matches everything. See {@code docs/events.md}.
 * @param from inclusive lower bound on {@code timeField}, or null
 * @param to exclusive upper bound on {@code timeField}, or null
 * @param timeField which time the range and the order use
 * @param order newest or oldest first (ties broken by id)
 * @param size page size (1..10,000)
 * @param cursor the previous page's {@link EventPage#nextCursor()}, or null for the first page
 */
public record EventQuery(
        String query, Instant from, Instant to, TimeField timeField, Order order, int size, String cursor) {
    public static final int MAX_SIZE = 10_000;

    /** The time a query ranges over and sorts by. */
    public enum TimeField {
        /** The event's own time; events without one count at their receive time. */
        EVENT,
        /** When Vigil received the event. */
        RECEIVED
    }

    public enum Order {
        NEWEST_FIRST,
        OLDEST_FIRST
    }

    public EventQuery {
        timeField = timeField == null ? TimeField.EVENT : timeField;
        order = order == null ? Order.NEWEST_FIRST : order;
        if (size <= 0) {
            size = 100;
        }
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be at most " + MAX_SIZE + " (page with the cursor)");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public static EventQuery of(String query) {
        return new EventQuery(query, null, null, null, null, 100, null);
    }

    public EventQuery withRange(Instant from, Instant to) {
        return new EventQuery(query, from, to, timeField, order, size, cursor);
    }

    public EventQuery withOrder(Order o) {
        return new EventQuery(query, from, to, timeField, o, size, cursor);
    }

    public EventQuery withSize(int n) {
        return new EventQuery(query, from, to, timeField, order, n, cursor);
    }

    public EventQuery withCursor(String c) {
        return new EventQuery(query, from, to, timeField, order, size, c);
    }

    public EventQuery withTimeField(TimeField f) {
        return new EventQuery(query, from, to, f, order, size, cursor);
    }
}
