package dev.vigil.server.events.internal;

import dev.vigil.server.platform.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How many days each source's events are kept: the setting stored through the API ({@code event_retention}), else
 * {@code vigil.events.retention.sources.<name>}, else the default. Read on the hot path (a map lookup); the
 * retention of an event is fixed when it is received (it decides its partition).
 */
final class RetentionSettings {
    static final int MAX_DAYS = 36_500;

    private final JdbcTemplate jdbc;
    private final EventsProperties.Retention config;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private volatile Map<String, Integer> stored = Map.of();
    private final Map<String, Integer> cache = new ConcurrentHashMap<>();

    RetentionSettings(JdbcTemplate jdbc, EventsProperties.Retention config, TransactionTemplate tx, AuditLog audit) {
        if (config.defaultDays() < 1 || config.defaultDays() > MAX_DAYS) {
            throw new IllegalArgumentException("vigil.events.retention.default-days must be 1.." + MAX_DAYS);
        }
        this.jdbc = jdbc;
        this.config = config;
        this.tx = tx;
        this.audit = audit;
        reload();
    }

    void reload() {
        Map<String, Integer> m = new TreeMap<>();
        jdbc.query("select source, retention_days from event_retention", rs -> {
            m.put(rs.getString(1), rs.getInt(2));
        });
        stored = Map.copyOf(m);
        cache.clear();
    }

    int daysFor(String source) {
        Integer d = cache.get(source);
        if (d == null) {
            d = stored.get(source);
            if (d == null) {
                d = config.sources().get(source);
            }
            if (d == null || d < 1) {
                d = config.defaultDays();
            }
            d = Math.min(d, MAX_DAYS);
            if (cache.size() < 100_000) {
                cache.put(source, d);
            }
        }
        return d;
    }

    int defaultDays() {
        return config.defaultDays();
    }

    /** Per-source settings: the stored ones over the configured ones. */
    Map<String, Integer> overrides() {
        Map<String, Integer> m = new TreeMap<>(config.sources());
        m.putAll(stored);
        return m;
    }

    /** Sets a source's retention (audited with the change). */
    void set(String source, int days, String by, Instant now) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("retention must be 1.." + MAX_DAYS + " days");
        }
        Integer before = overrides().get(source);
        tx.executeWithoutResult(status -> {
            jdbc.update("""
                insert into event_retention (source, retention_days, updated_at, updated_by) values (?, ?, ?, ?)
                on conflict (source) do update set retention_days = excluded.retention_days,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by""", source, days, Timestamp.from(now), by);
            audit.record(
                    before == null ? "created" : "updated",
                    "event_retention",
                    source,
                    before == null ? null : Map.of("source", source, "days", before),
                    Map.of("source", source, "days", days));
        });
        reload();
    }

    /** Removes a source's stored setting (audited); the configured or default retention applies again. */
    boolean remove(String source) {
        Integer before = stored.get(source);
        Boolean removed = tx.execute(status -> {
            int n = jdbc.update("delete from event_retention where source = ?", source);
            if (n > 0) {
                audit.record("deleted", "event_retention", source, Map.of("source", source, "days", before), null);
            }
            return n > 0;
        });
        reload();
        return Boolean.TRUE.equals(removed);
    }
}
