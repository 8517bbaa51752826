package dev.vigil.server.events.internal;

import dev.vigil.server.events.IntegrityProblem;
import dev.vigil.server.events.IntegrityService;
import dev.vigil.server.events.Verification;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@link Verifier} one at a time (a background thread for API and CLI requests; the caller's thread for the
 * scheduled job) and keeps every run in {@code event_verifications}: status, counts, the chain head it saw (an anchor
 * later runs check), and the problems. A run interrupted by a restart is marked failed at the next start.
 */
final class IntegrityVerifications implements IntegrityService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntegrityVerifications.class);
    private static final Set<String> TRIGGERS = Set.of("api", "cli", "schedule");
    private static final TypeReference<List<IntegrityProblem>> PROBLEMS = new TypeReference<>() {};

    private final LuceneEventStore store;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("vigil-events-verify").daemon(true).unstarted(r));
    private final AtomicReference<UUID> running = new AtomicReference<>();
    private final Object lock = new Object();

    IntegrityVerifications(LuceneEventStore store, JdbcTemplate jdbc, JsonMapper json, Clock clock) {
        this.store = store;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        int n = jdbc.update(
                "update event_verifications set status = 'failed', finished_at = ?, error = 'interrupted by a restart'"
                        + " where status = 'running'",
                Timestamp.from(clock.instant()));
        if (n > 0) {
            log.warn("{} integrity verification(s) were interrupted by the last stop", n);
        }
    }

    @Override
    public Verification start(Instant from, Instant to, String trigger, String requestedBy) {
        UUID id;
        synchronized (lock) {
            UUID current = running.get();
            if (current != null) {
                return get(current).orElseThrow();
            }
            id = insert(from, to, trigger, requestedBy);
            running.set(id);
        }
        executor.submit(() -> execute(id, from, to));
        return get(id).orElseThrow();
    }

    @Override
    public Verification run(Instant from, Instant to, String trigger, String requestedBy) {
        UUID id;
        synchronized (lock) {
            while (running.get() != null) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a running verification");
                }
            }
            id = insert(from, to, trigger, requestedBy);
            running.set(id);
        }
        execute(id, from, to);
        return get(id).orElseThrow();
    }

    private UUID insert(Instant from, Instant to, String trigger, String requestedBy) {
        if (!TRIGGERS.contains(trigger)) {
            throw new IllegalArgumentException("trigger must be api, cli or schedule");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        UUID id = UUID.randomUUID();
        jdbc.update(
                "insert into event_verifications (id, trigger, requested_by, range_from, range_to, started_at, status)"
                        + " values (?, ?, ?, ?, ?, ?, 'running')",
                id,
                trigger,
                requestedBy,
                ts(from),
                ts(to),
                Timestamp.from(clock.instant()));
        return id;
    }

    private void execute(UUID id, Instant from, Instant to) {
        try {
            // seal what is committed, so the verification covers events up to a few seconds ago
            store.checkpoint();
            Verifier.Result r = new Verifier(store).verify(from, to, anchors(), batch -> {});
            String status = r.problemCount == 0 ? "clean" : "tampered";
            jdbc.update(
                    """
                    update event_verifications set status = ?, finished_at = ?, batches_checked = ?, batches_retired = ?,
                        events_checked = ?, first_batch = ?, last_batch = ?, head_batch = ?, head_digest = ?,
                        problems = ?::jsonb, problem_count = ?, unsealed_events = ?
                    where id = ?""",
                    status,
                    Timestamp.from(clock.instant()),
                    r.batchesChecked,
                    r.batchesRetired,
                    r.eventsChecked,
                    r.firstBatch,
                    r.lastBatch,
                    r.head.batchNo(),
                    r.head.digest(),
                    json.writeValueAsString(r.problems),
                    r.problemCount,
                    r.unsealed,
                    id);
            if (r.problemCount == 0) {
                log.info(
                        "event store integrity verified: {} batches, {} events, {} retired batches; chain head batch {} digest {}",
                        r.batchesChecked,
                        r.eventsChecked,
                        r.batchesRetired,
                        r.head.batchNo(),
                        LuceneEventStore.hex(r.head.digest()));
            } else {
                log.error(
                        "event store integrity verification found {} problem(s), first: {}",
                        r.problemCount,
                        r.problems.get(0).detail());
            }
        } catch (Throwable e) {
            log.error("integrity verification {} failed", id, e);
            jdbc.update(
                    "update event_verifications set status = 'failed', finished_at = ?, error = ? where id = ?",
                    Timestamp.from(clock.instant()),
                    String.valueOf(e.getMessage()),
                    id);
        } finally {
            synchronized (lock) {
                running.set(null);
                lock.notifyAll();
            }
        }
    }

    /** Chain heads earlier verifications saw. */
    private List<JdbcLedger.Head> anchors() {
        return jdbc.query(
                "select distinct head_batch, head_digest from event_verifications where head_batch > 0"
                        + " and head_digest is not null and status in ('clean', 'tampered')",
                (rs, i) -> new JdbcLedger.Head(0, rs.getLong(1), rs.getBytes(2)));
    }

    @Override
    public Optional<Verification> get(UUID id) {
        List<Verification> l = jdbc.query("select * from event_verifications where id = ?", (rs, i) -> map(rs), id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<Verification> recent(int limit) {
        return jdbc.query(
                "select * from event_verifications order by started_at desc limit ?",
                (rs, i) -> map(rs),
                Math.max(1, Math.min(limit, 500)));
    }

    private Verification map(ResultSet rs) throws SQLException {
        byte[] digest = rs.getBytes("head_digest");
        List<IntegrityProblem> problems = new ArrayList<>(json.readValue(rs.getString("problems"), PROBLEMS));
        return new Verification(
                rs.getObject("id", UUID.class),
                rs.getString("trigger"),
                rs.getString("requested_by"),
                JdbcLedger.instant(rs, "range_from"),
                JdbcLedger.instant(rs, "range_to"),
                JdbcLedger.instant(rs, "started_at"),
                JdbcLedger.instant(rs, "finished_at"),
                rs.getString("status"),
                rs.getLong("batches_checked"),
                rs.getLong("batches_retired"),
                rs.getLong("events_checked"),
                (Long) rs.getObject("first_batch"),
                (Long) rs.getObject("last_batch"),
                (Long) rs.getObject("head_batch"),
                digest == null ? null : HexFormat.of().formatHex(digest),
                rs.getLong("unsealed_events"),
                problems,
                rs.getInt("problem_count"),
                rs.getString("error"));
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
