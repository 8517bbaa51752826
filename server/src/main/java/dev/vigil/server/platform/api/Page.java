package dev.vigil.server.platform.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The response envelope of every list endpoint: {@code {"items":[...],"page":0,"size":50,"total":123,
 * "totalPages":3,"sort":["createdAt,desc"]}}. Lists that grow while they are read (an incident's alerts and timeline,
 * the audit log, ...) also page by keyset ({@link Paging#cursor()}): their answer carries {@code nextCursor} when more
 * items follow, to be passed back as {@code ?cursor=}; a walk by cursor never skips or repeats an item, however many
 * are inserted meanwhile (a walk by {@code page} shifts when an item is inserted before the current offset).
 *
 * @param nextCursor the keyset position after the last item of this page, when more items follow (null otherwise,
 *     and always null on lists without cursor paging; then it is left out of the JSON)
 * @param exercisesHidden on lists that leave replay-exercise (drill) rows out by default ({@code ?exercise=exclude}):
 *     how many exercise rows match the other filters and are not shown (0 when the request shows them); null, and
 *     left out of the JSON, on lists without an exercise filter. The same field as the alert list's.
 */
public record Page<T>(
        List<T> items,
        int page,
        int size,
        long total,
        List<String> sort,
        @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long exercisesHidden) {

    public Page {
        items = List.copyOf(items);
        sort = sort == null ? List.of() : List.copyOf(sort);
    }

    public Page(List<T> items, int page, int size, long total, List<String> sort) {
        this(items, page, size, total, sort, null, null);
    }

    public Page(List<T> items, int page, int size, long total, List<String> sort, String nextCursor) {
        this(items, page, size, total, sort, nextCursor, null);
    }

    /** This page, saying how many exercise rows its list's exercise filter leaves out ({@link #exercisesHidden}). */
    public Page<T> withExercisesHidden(long hidden) {
        return new Page<>(items, page, size, total, sort, nextCursor, hidden);
    }

    public static <T> Page<T> of(List<T> items, PageQuery q, long total) {
        return new Page<>(
                items,
                q.page(),
                q.size(),
                total,
                q.sort().stream().map(PageQuery.Sort::toString).toList());
    }

    @JsonProperty("totalPages")
    public int totalPages() {
        return size == 0 ? 0 : (int) ((total + size - 1) / size);
    }

    /**
     * A page of a keyset walk: {@code items} in the query's order, {@code nextCursor} when more follow. {@code page}
     * is the query's (0 when it gave a cursor).
     */
    public static <T> Page<T> of(List<T> items, PageQuery q, long total, String nextCursor) {
        return new Page<>(
                items,
                q.page(),
                q.size(),
                total,
                q.sort().stream().map(PageQuery.Sort::toString).toList(),
                nextCursor);
    }

    public boolean hasNext() {
        return nextCursor != null || (long) (page + 1) * size < total;
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), page, size, total, sort, nextCursor, exercisesHidden);
    }

    /**
     * Pages a list held in memory (small collections: rules, sources, applications): sorts it by the query's keys
     * with the given comparators (the keys were already checked against {@link Paging#sortable()}) and cuts the page.
     */
    public static <T> Page<T> slice(List<T> all, PageQuery q, Map<String, Comparator<T>> comparators) {
        List<T> sorted = new ArrayList<>(all);
        Comparator<T> order = null;
        for (PageQuery.Sort s : q.sort()) {
            Comparator<T> c = comparators.get(s.field());
            if (c == null) {
                throw new IllegalArgumentException("cannot sort by '" + s.field() + "'");
            }
            if (s.descending()) {
                c = c.reversed();
            }
            order = order == null ? c : order.thenComparing(c);
        }
        if (order != null) {
            sorted.sort(order);
        }
        int from = (int) Math.min(q.offset(), sorted.size());
        int to = (int) Math.min(from + (long) q.size(), sorted.size());
        return of(sorted.subList(from, to), q, sorted.size());
    }
}
