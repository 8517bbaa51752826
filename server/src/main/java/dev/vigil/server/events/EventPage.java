package dev.vigil.server.events;

import java.util.List;

/**
 * One page of search results.
 *
 * @param total how many events match in all
 * @param events this page, in the query's order
 * @param nextCursor pass as {@link EventQuery#cursor()} for the next page; null on the last page
 * @param tookMillis search time
 * @param timedOut true when the search hit the time limit (results and total are partial)
 */
public record EventPage(long total, List<StoredEvent> events, String nextCursor, long tookMillis, boolean timedOut) {}
