package dev.vigil.server.platform.api;

import java.util.List;
import java.util.Locale;

/**
 * A page request: zero-based {@code page}, {@code size} items, ordered by {@code sort} (first key first), or, on lists
 * that page by keyset ({@link Paging#cursor()}), the {@code size} items after {@code cursor} (a previous answer's
 * {@link Page#nextCursor()}). Controllers take it as a parameter annotated with {@link Paging}, which declares the
 * default and maximum size and the fields that may be sorted on; anything else is refused with 400.
 */
public record PageQuery(int page, int size, List<Sort> sort, String cursor) {

    public PageQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0");
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1");
        }
        sort = sort == null ? List.of() : List.copyOf(sort);
        cursor = cursor == null || cursor.isBlank() ? null : cursor.strip();
        if (cursor != null && page > 0) {
            throw new IllegalArgumentException("give either page or cursor, not both");
        }
    }

    public PageQuery(int page, int size, List<Sort> sort) {
        this(page, size, sort, null);
    }

    /** The same request continuing after {@code nextCursor}. */
    public PageQuery after(String nextCursor) {
        return new PageQuery(0, size, sort, nextCursor);
    }

    public static PageQuery of(int page, int size, Sort... sort) {
        return new PageQuery(page, size, List.of(sort));
    }

    /**
     * Whether a keyset list ({@link Paging#cursor()}) is read in descending order: its one sort key, which must be
     * {@code field} (the tie-breaker is implied), is descending; no sort means ascending.
     *
     * @throws IllegalArgumentException for more than one sort key or another field
     */
    public boolean descendingBy(String field) {
        if (sort.size() > 1) {
            throw new IllegalArgumentException("this list sorts by " + field + " only (asc or desc)");
        }
        for (Sort s : sort) {
            if (!s.field().equals(field)) {
                throw new IllegalArgumentException("cannot sort by '" + s.field() + "' (sortable: " + field + ")");
            }
        }
        return !sort.isEmpty() && sort.getFirst().descending();
    }

    /** The offset of the first item. */
    public long offset() {
        return (long) page * size;
    }

    /** One sort key. */
    public record Sort(String field, boolean descending) {
        /** Parses {@code field}, {@code field,asc} or {@code field,desc}. */
        public static Sort parse(String value) {
            String v = value.strip();
            int comma = v.indexOf(',');
            if (comma < 0) {
                return new Sort(v, false);
            }
            String dir = v.substring(comma + 1).strip().toLowerCase(Locale.ROOT);
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw new IllegalArgumentException("sort direction must be asc or desc: " + value);
            }
            return new Sort(v.substring(0, comma).strip(), dir.equals("desc"));
        }

        @Override
        public String toString() {
            return field + (descending ? ",desc" : ",asc");
        }
    }
}
