package dev.vigil.server.platform.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The response envelope of every list endpoint: {@code {"items":[...],"page":0,"size":50,"total":123,
 * "totalPages":3,"sort":["createdAt,desc"]}}.
 */
public record Page<T>(List<T> items, int page, int size, long total, List<String> sort) {

    public Page {
        items = List.copyOf(items);
        sort = sort == null ? List.of() : List.copyOf(sort);
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

    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), page, size, total, sort);
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
