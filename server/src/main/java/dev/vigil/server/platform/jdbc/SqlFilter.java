package dev.vigil.server.platform.jdbc;

import dev.vigil.server.platform.api.PageQuery;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code where} clause of a search with optional filters: each filter adds one condition AND-ed to the others,
 * and its values as {@code ?} parameters (never concatenated into the SQL). Then the total ({@link #count}) and one
 * page ({@link #list}) are read with the same clause, so the two cannot disagree.
 *
 * <pre>{@code
 * SqlFilter f = new SqlFilter().whenPresent("source = ?", q.source()).range("created_at", q.from(), q.to());
 * long total = f.count(jdbc, "alerts");
 * List<Alert> items = f.list(jdbc, "select * from alerts", " order by created_at desc, id", size, offset, mapper);
 * }</pre>
 *
 * Not thread-safe; one per query.
 */
public final class SqlFilter {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    /** Adds {@code condition} with its parameters (as many as it has {@code ?}). */
    public SqlFilter and(String condition, Object... values) {
        conditions.add(condition);
        Collections.addAll(params, values);
        return this;
    }

    /** Adds {@code condition} (one {@code ?}) bound to {@code value}, when the value is not null. */
    public SqlFilter whenPresent(String condition, Object value) {
        return value == null ? this : and(condition, value);
    }

    /** Restricts {@code column} to {@code [from, to)}; a null bound is open. */
    public SqlFilter range(String column, Instant from, Instant to) {
        if (from != null) {
            and(column + " >= ?", Timestamp.from(from));
        }
        if (to != null) {
            and(column + " < ?", Timestamp.from(to));
        }
        return this;
    }

    /** {@code " where c1 and c2 ..."} with a leading space, or the empty string without conditions. */
    public String sql() {
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** The parameters of {@link #sql()}, in order. */
    public List<Object> params() {
        return List.copyOf(params);
    }

    /** The parameters of {@link #sql()} followed by those of {@code limit ? offset ?}. */
    public List<Object> params(int limit, long offset) {
        List<Object> all = new ArrayList<>(params);
        all.add(limit);
        all.add(offset);
        return all;
    }

    /** {@code select count(*) from <from><where>}. */
    public long count(JdbcClient jdbc, String from) {
        return jdbc.sql("select count(*) from " + from + sql())
                .params(params)
                .query(Long.class)
                .single();
    }

    /** {@code <select><where><orderBy> limit ? offset ?}, each row mapped. */
    public <T> List<T> list(
            JdbcClient jdbc, String select, String orderBy, int limit, long offset, RowMapper<T> mapper) {
        return jdbc.sql(select + sql() + orderBy + " limit ? offset ?")
                .params(params(limit, offset))
                .query(mapper)
                .list();
    }

    /**
     * The {@code order by} clause (with a leading space) of a page's sort keys, each key mapped to its column by
     * {@code columns} and followed by {@code asc} or {@code desc} (e.g. {@code " asc nulls last"}); a key not in
     * {@code columns} is an {@link IllegalArgumentException}. Without sort keys: the empty string.
     */
    public static String orderBy(PageQuery page, Map<String, String> columns, String asc, String desc) {
        StringBuilder order = new StringBuilder();
        for (PageQuery.Sort s : page.sort()) {
            String column = columns.get(s.field());
            if (column == null) {
                throw new IllegalArgumentException("cannot sort by '" + s.field() + "'");
            }
            order.append(order.isEmpty() ? " order by " : ", ").append(column).append(s.descending() ? desc : asc);
        }
        return order.toString();
    }
}
