package dev.vigil.server.platform.jdbc;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keyset ("seek") paging of a list that grows while it is read: rows are ordered by {@code (key, tie)}, where
 * {@code tie} makes the order total (a unique column: an id or a sequence), and the next page is the rows after the
 * last one seen ({@code where (key, tie) > (?, ?)}), not the rows after an offset. So a walk through the list never
 * skips or repeats a row, however many rows are inserted or moved in meanwhile (a row inserted behind the position is
 * simply not part of this walk), and the database reads {@code size} rows from an index on {@code (filter columns,
 * key, tie)} instead of skipping {@code offset} rows.
 *
 * <p>The position travels to the client as an opaque cursor (base64url of the list's name, the direction and the two
 * values); a cursor of another list or direction, or a forged one that does not parse, is an
 * {@link IllegalArgumentException} (400). Offset paging ({@code ?page=}) of the same list uses the same total order,
 * so its pages are stable while nothing is inserted before them; its answer carries the cursor after its last row as
 * well, so a client can switch to the cursor after its first request.
 *
 * <pre>{@code
 * static final Keyset ORDER = new Keyset("incident-alerts", "added_at", Kind.TIMESTAMP, "alert_id", Kind.UUID);
 * Page<IncidentAlert> p = ORDER.page(jdbc, new SqlFilter().and("incident_id = ?", id), "incident_alerts",
 *         "select * from incident_alerts", query, descending, mapper, IncidentAlert::addedAt, IncidentAlert::alertId);
 * }</pre>
 *
 * @param list the cursor's namespace (a cursor of one list is refused by another)
 * @param keyColumn the sort column (not null)
 * @param tieColumn the unique tie-breaker column, or null when {@code keyColumn} is unique itself
 */
public record Keyset(String list, String keyColumn, Kind keyKind, String tieColumn, Kind tieKind) {

    /** The type of a key column, how it is written in a cursor and bound as a parameter. */
    public enum Kind {
        TIMESTAMP,
        LONG,
        UUID,
        TEXT
    }

    /** A keyset over one unique column. */
    public Keyset(String list, String keyColumn, Kind keyKind) {
        this(list, keyColumn, keyKind, null, null);
    }

    /** The order by clause (leading space) of the walk. */
    public String orderBy(boolean descending) {
        String dir = descending ? " desc" : " asc";
        return " order by " + keyColumn + dir + (tieColumn == null ? "" : ", " + tieColumn + dir);
    }

    /**
     * One page: counts the rows of {@code table} matching {@code where}, then reads the page (after the query's
     * cursor, or at its offset) in the keyset's order.
     *
     * @param select {@code select ... from table} (joins allowed; {@code where}'s columns and the keyset's must be
     *     unambiguous in it)
     * @param key the key value of a mapped row ({@link Instant}, {@link Long}, {@link java.util.UUID} or String)
     * @param tie its tie-breaker value (ignored without a tie column)
     */
    public <T> Page<T> page(
            JdbcClient jdbc,
            SqlFilter where,
            String table,
            String select,
            PageQuery query,
            boolean descending,
            RowMapper<T> mapper,
            Function<T, Object> key,
            Function<T, Object> tie) {
        long total = where.count(jdbc, table);
        long offset = query.offset();
        if (query.cursor() != null) {
            Object[] after = decode(query.cursor(), descending);
            String op = descending ? " < " : " > ";
            if (tieColumn == null) {
                where.and(keyColumn + op + "?", after[0]);
            } else {
                where.and("(" + keyColumn + ", " + tieColumn + ")" + op + "(?, ?)", after[0], after[1]);
            }
            offset = 0;
        }
        List<T> rows = where.list(jdbc, select, orderBy(descending), query.size() + 1, offset, mapper);
        String next = null;
        if (rows.size() > query.size()) {
            rows = new ArrayList<>(rows.subList(0, query.size()));
            T last = rows.getLast();
            next = encode(descending, key.apply(last), tieColumn == null ? null : tie.apply(last));
        }
        return Page.of(rows, query, total, next);
    }

    /** The cursor after a row with these values. */
    public String encode(boolean descending, Object key, Object tie) {
        String text = "v1\n" + list + "\n" + (descending ? "desc" : "asc") + "\n" + write(keyKind, key)
                + (tieColumn == null ? "" : "\n" + write(tieKind, tie));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The key and tie parameters (JDBC types) of a cursor. */
    Object[] decode(String cursor, boolean descending) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cursor (pass a previous answer's nextCursor unchanged)");
        }
        String[] parts = text.split("\n", -1);
        int expected = tieColumn == null ? 4 : 5;
        if (parts.length != expected || !parts[0].equals("v1")) {
            throw new IllegalArgumentException("invalid cursor (pass a previous answer's nextCursor unchanged)");
        }
        if (!parts[1].equals(list)) {
            throw new IllegalArgumentException("the cursor belongs to another list");
        }
        if (!parts[2].equals(descending ? "desc" : "asc")) {
            throw new IllegalArgumentException("the cursor belongs to a walk in the other order (keep the same sort)");
        }
        try {
            return new Object[] {read(keyKind, parts[3]), tieColumn == null ? null : read(tieKind, parts[4])};
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cursor (pass a previous answer's nextCursor unchanged)");
        }
    }

    private static String write(Kind kind, Object value) {
        if (value == null) {
            throw new IllegalStateException("a keyset column is null");
        }
        String s = value.toString();
        if (kind == Kind.TEXT && s.indexOf('\n') >= 0) {
            throw new IllegalStateException("a text keyset value contains a line break");
        }
        return s;
    }

    private static Object read(Kind kind, String value) {
        return switch (kind) {
            case TIMESTAMP -> Timestamp.from(Instant.parse(value));
            case LONG -> Long.parseLong(value);
            case UUID -> java.util.UUID.fromString(value);
            case TEXT -> value;
        };
    }
}
