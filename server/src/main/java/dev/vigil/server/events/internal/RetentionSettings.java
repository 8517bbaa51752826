package dev.vigil.server.events.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How many days each source's events are kept: the setting stored through the API ({@code event_retention}), else
 * {@code vigil.events.retention.sources.<name>}, else the default. Read on the hot path (a map lookup); the
 * retention of an event is fixed when it is received (it decides its partition).
 */
final class RetentionSettings {
    static final int MAX_DAYS = 36_500;

    private final JdbcTemplate jdbc;
    private final EventsProperties.Retention config;
    private volatile Map<String, Integer> stored = Map.of();
    private final Map<String, Integer> cache = new ConcurrentHashMap<>();

    RetentionSettings(JdbcTemplate jdbc, EventsProperties.Retention config) {
        if (config.defaultDays() < 1 || config.defaultDays() > MAX_DAYS) {
            throw new IllegalArgumentException("vigil.events.retention.default-days must be 1.." + MAX_DAYS);
        }
        this.jdbc = jdbc;
        this.config = config;
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

    void set(String source, int days, String by, Instant now) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("retention must be 1.." + MAX_DAYS + " days");
        }
        jdbc.update("""
                insert into event_retention (source, retention_days, updated_at, updated_by) values (?, ?, ?, ?)
                on conflict (source) do update set retention_days = excluded.retention_days,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by""", source, days, Timestamp.from(now), by);
        reload();
    }

    boolean remove(String source) {
        int n = jdbc.update("delete from event_retention where source = ?", source);
        reload();
        return n > 0;
    }
}
