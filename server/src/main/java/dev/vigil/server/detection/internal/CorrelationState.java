package dev.vigil.server.detection.internal;

import dev.vigil.engine.Engine;
import dev.vigil.engine.correlate.CorrelationStats;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The engine's correlation state in PostgreSQL ({@code detection_correlation_state}): the bytes of {@link
 * Engine#correlationSnapshot()} under one key per instance. Saved periodically and at shutdown by {@link
 * CorrelationDriver}, restored when the engine is created, so windows in progress (four of five failed logins) and
 * detections held back for ordering survive a restart. A snapshot that cannot be read (another engine version,
 * corruption) is logged and skipped: detection starts with empty windows rather than not at all.
 */
class CorrelationState {
    private static final Logger log = LoggerFactory.getLogger(CorrelationState.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String key;
    private volatile Saved lastSaved;

    /** What the last save wrote (for the status and to skip unchanged state). */
    record Saved(long offered, long processed, long firings, long expired, long evictions, int groups, int heldBack) {
        static Saved of(CorrelationStats s) {
            return new Saved(
                    s.offered(), s.processed(), s.firings(), s.expired(), s.evictions(), s.groups(), s.heldBack());
        }
    }

    CorrelationState(JdbcClient jdbc, Clock clock, String key) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.key = key;
    }

    /** Writes the engine's state unless it is unchanged since the last save; returns whether it wrote. */
    boolean save(Engine engine, boolean force) {
        CorrelationStats stats = engine.correlationStats();
        Saved now = Saved.of(stats);
        if (!force && now.equals(lastSaved)) {
            return false;
        }
        byte[] bytes = engine.correlationSnapshot();
        jdbc.sql("""
                        insert into detection_correlation_state (state_key, snapshot, groups, held_back, saved_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (state_key) do update set snapshot = excluded.snapshot, groups = excluded.groups,
                            held_back = excluded.held_back, saved_at = excluded.saved_at""")
                .params(key, bytes, stats.groups(), stats.heldBack(), Timestamp.from(clock.instant()))
                .update();
        lastSaved = now;
        return true;
    }

    /** The stored snapshot, if any. */
    Optional<byte[]> load() {
        return jdbc.sql("select snapshot from detection_correlation_state where state_key = ?")
                .param(key)
                .query(byte[].class)
                .optional();
    }

    /** Restores the stored state into a new engine; never throws (a bad snapshot is logged and skipped). */
    void restore(Engine engine) {
        try {
            Optional<byte[]> bytes = load();
            if (bytes.isEmpty()) {
                return;
            }
            int dropped = engine.restoreCorrelation(bytes.get());
            CorrelationStats s = engine.correlationStats();
            lastSaved = Saved.of(s);
            log.info(
                    "Restored correlation state: {} groups, {} detections held back ({} dropped: their rules changed or"
                            + " were removed)",
                    s.groups(),
                    s.heldBack(),
                    dropped);
        } catch (RuntimeException e) {
            log.error("Could not restore the correlation state ({}); correlation windows start empty", e.toString());
        }
    }
}
