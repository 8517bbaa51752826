package dev.vigil.server.detection.internal;

import dev.vigil.server.detection.RuleStats;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-rule counters (matches, errors, suppressed alerts, last match, last error), updated on the hot path with
 * {@link LongAdder}s and written to {@code detection_rule_stats} every {@code vigil.detection.stats-flush-interval}
 * and on shutdown, so they survive restarts. Counters start from the stored values.
 */
@Component
class RuleStatsRegistry {
    private final JdbcClient jdbc;
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    RuleStatsRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static final class Counters {
        final LongAdder matches = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder suppressed = new LongAdder();
        volatile Instant lastMatch;
        volatile String lastError;
        volatile Instant lastErrorAt;
        volatile boolean dirty;

        RuleStats snapshot() {
            return new RuleStats(matches.sum(), errors.sum(), suppressed.sum(), lastMatch, lastError, lastErrorAt);
        }
    }

    synchronized void load() {
        if (loaded) {
            return;
        }
        jdbc.sql("select * from detection_rule_stats").query(rs -> {
            Counters c = counters.computeIfAbsent(rs.getString("ref"), k -> new Counters());
            c.matches.add(rs.getLong("matches"));
            c.errors.add(rs.getLong("errors"));
            c.suppressed.add(rs.getLong("suppressed"));
            Timestamp lm = rs.getTimestamp("last_match");
            c.lastMatch = lm == null ? null : lm.toInstant();
            c.lastError = rs.getString("last_error");
            Timestamp le = rs.getTimestamp("last_error_at");
            c.lastErrorAt = le == null ? null : le.toInstant();
        });
        loaded = true;
    }

    Counters of(String ref) {
        return counters.computeIfAbsent(ref, k -> new Counters());
    }

    void matched(String ref, Instant at) {
        Counters c = of(ref);
        c.matches.increment();
        c.lastMatch = at;
        c.dirty = true;
    }

    void suppressed(String ref) {
        Counters c = of(ref);
        c.suppressed.increment();
        c.dirty = true;
    }

    void failed(String ref, String message, Instant at) {
        Counters c = of(ref);
        c.errors.increment();
        c.lastError = message == null ? "error" : message.length() > 1000 ? message.substring(0, 1000) : message;
        c.lastErrorAt = at;
        c.dirty = true;
    }

    RuleStats stats(String ref) {
        Counters c = counters.get(ref);
        return c == null ? RuleStats.NONE : c.snapshot();
    }

    @Scheduled(
            fixedDelayString = "${vigil.detection.stats-flush-interval:30s}",
            initialDelayString = "${vigil.detection.stats-flush-interval:30s}")
    void flush() {
        if (!loaded) {
            return;
        }
        for (Map.Entry<String, Counters> e : counters.entrySet()) {
            Counters c = e.getValue();
            if (!c.dirty) {
                continue;
            }
            c.dirty = false;
            RuleStats s = c.snapshot();
            jdbc.sql("""
                            insert into detection_rule_stats (ref, matches, errors, suppressed, last_match, last_error,
                                last_error_at) values (?, ?, ?, ?, ?, ?, ?)
                            on conflict (ref) do update set matches = excluded.matches, errors = excluded.errors,
                                suppressed = excluded.suppressed, last_match = excluded.last_match,
                                last_error = excluded.last_error, last_error_at = excluded.last_error_at""")
                    .params(
                            e.getKey(),
                            s.matches(),
                            s.errors(),
                            s.suppressed(),
                            s.lastMatch() == null ? null : Timestamp.from(s.lastMatch()),
                            s.lastError(),
                            s.lastErrorAt() == null ? null : Timestamp.from(s.lastErrorAt()))
                    .update();
        }
    }
}
