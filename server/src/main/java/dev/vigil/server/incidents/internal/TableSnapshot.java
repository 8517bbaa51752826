package dev.vigil.server.incidents.internal;

import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A small definition table (triage rules, obligation templates) read and parsed once and kept until its rows change.
 * Every {@link #get()} asks PostgreSQL for a digest of the table's rows (one short query, no rows shipped, nothing
 * parsed) and reloads when it differs, so a change made by this or another instance, committed or inside the caller's
 * own transaction, is seen by the next call; the per-alert path no longer re-reads and re-parses every definition.
 */
final class TableSnapshot<T> {
    private final JdbcClient jdbc;
    private final String digestSql;
    private final Supplier<T> loader;
    private volatile Entry<T> cached;

    private record Entry<T>(String digest, T value) {}

    /**
     * @param table the table (a constant, never user input)
     * @param order the column(s) giving its rows a deterministic order
     */
    TableSnapshot(JdbcClient jdbc, String table, String order, Supplier<T> loader) {
        this.jdbc = jdbc;
        this.digestSql =
                "select md5(coalesce(string_agg(t::text, '|' order by " + order + "), '')) from " + table + " t";
        this.loader = loader;
    }

    T get() {
        String digest = jdbc.sql(digestSql).query(String.class).single();
        Entry<T> e = cached;
        if (e != null && e.digest().equals(digest)) {
            return e.value();
        }
        // read after the digest: if the table changes in between, the value is newer than its digest and the next
        // call reloads once more; it is never older than what the digest promised
        T value = loader.get();
        cached = new Entry<>(digest, value);
        return value;
    }
}
