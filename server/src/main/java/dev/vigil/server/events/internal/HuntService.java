package dev.vigil.server.events.internal;

import dev.vigil.server.detection.RuleEvaluator;
import dev.vigil.server.detection.RuleEvaluators;
import dev.vigil.server.detection.RuleMatch;
import dev.vigil.server.detection.RuleRefusal;
import dev.vigil.server.detection.RuleSelection;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.RetroHunts;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.AccessControl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs retro-hunts on a small pool (one hunt at a time by default; more wait, queued). A hunt compiles its rules
 * ({@link RuleEvaluators}: the live engine and pipelines), counts the events in range, then scans them oldest first in
 * pages of 1,000 (one consistent snapshot of the store), evaluating each page and writing its matches in one JDBC
 * batch. Progress is written every two seconds; cancellation is checked between pages. Hunts that a restart
 * interrupted are marked failed at the next start.
 *
 * <p>A hunt belongs to whoever started it ({@link #owner()}: the user, whichever of their sessions or personal
 * tokens asks, or the integration token); only its owner or an administrator ({@code system_write}) may cancel it.
 * Starting and cancelling are audited ({@code hunt started}, {@code hunt cancelled}).
 */
final class HuntService implements RetroHunts, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HuntService.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<RuleCount>> COUNTS = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, String>>> REFUSED = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {};
    private static final int PAGE = 1000;
    static final int MAX_UPLOAD = 1 << 20;

    private final EventStore store;
    private final RuleEvaluators evaluators;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final long maxKept;
    private final ExecutorService executor;
    private final AccessControl access;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    /** A hunt's live state. */
    private static final class Running {
        final AtomicBoolean cancel = new AtomicBoolean();
        final AtomicLong scanned = new AtomicLong();
        final AtomicLong matches = new AtomicLong();
        volatile long total;
    }

    HuntService(
            EventStore store,
            RuleEvaluators evaluators,
            JdbcTemplate jdbc,
            JsonMapper json,
            Clock clock,
            int threads,
            long maxKept,
            AccessControl access,
            AuditLog audit,
            TransactionTemplate tx) {
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.tx = tx;
        this.evaluators = evaluators;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.maxKept = maxKept;
        this.executor = Executors.newFixedThreadPool(
                Math.max(1, threads),
                r -> Thread.ofPlatform().name("vigil-hunt").daemon(true).unstarted(r));
        int n = jdbc.update(
                "update hunt_jobs set status = 'failed', finished_at = ?, error = 'interrupted by a restart'"
                        + " where status in ('queued', 'running')",
                Timestamp.from(clock.instant()));
        if (n > 0) {
            log.warn("{} retro-hunt(s) were interrupted by the last stop", n);
        }
    }

    @Override
    public Job start(Request request, String requestedBy) {
        if (request.rules() instanceof RuleSelection.Uploaded u && u.yaml().length() > MAX_UPLOAD) {
            throw new IllegalArgumentException("the uploaded rule is larger than " + MAX_UPLOAD + " characters");
        }
        EventQuery query = new EventQuery(
                request.query(),
                request.from(),
                request.to(),
                request.timeField(),
                EventQuery.Order.OLDEST_FIRST,
                PAGE,
                null);
        store.count(query.withSize(1)); // refuses an invalid query before anything is queued
        RuleEvaluator evaluator = evaluators.compile(request.rules());
        UUID id = UUID.randomUUID();
        Map<String, Object> rules = switch (request.rules()) {
            case RuleSelection.Active a -> Map.of("active", true);
            case RuleSelection.Stored s -> Map.of("refs", s.refs());
            case RuleSelection.Uploaded u -> Map.of("uploaded", u.yaml());
        };
        List<Map<String, String>> refused = new ArrayList<>();
        for (RuleRefusal r : evaluator.refused()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("rule", r.ruleId());
            m.put("reason", r.reason());
            refused.add(m);
        }
        String owner = owner();
        Running state = new Running();
        running.put(id, state); // before the job is visible, so that it can be cancelled as soon as it is
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("rules", auditView(request.rules()));
        audited.put("query", request.query());
        audited.put("from", request.from());
        audited.put("to", request.to());
        audited.put("timeField", query.timeField().name().toLowerCase(java.util.Locale.ROOT));
        audited.put("requestedBy", requestedBy);
        try {
            tx.executeWithoutResult(s -> {
                jdbc.update(
                        """
                    insert into hunt_jobs (id, status, rules, query, time_field, range_from, range_to, requested_by,
                        created_at, refused, per_rule, owner)
                    values (?, 'queued', ?::jsonb, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)""",
                        id,
                        json.writeValueAsString(rules),
                        request.query(),
                        query.timeField().name().toLowerCase(java.util.Locale.ROOT),
                        ts(request.from()),
                        ts(request.to()),
                        requestedBy,
                        Timestamp.from(clock.instant()),
                        json.writeValueAsString(refused),
                        json.writeValueAsString(counts(evaluator, Map.of())),
                        owner);
                audit.record("started", "hunt", id.toString(), null, audited);
            });
        } catch (RuntimeException e) {
            running.remove(id);
            throw e;
        }
        executor.submit(() -> run(id, query, evaluator, state));
        return get(id).orElseThrow();
    }

    private static List<RuleCount> counts(RuleEvaluator evaluator, Map<String, Long> matches) {
        List<RuleCount> out = new ArrayList<>();
        Map<String, Long> failures = evaluator.failures();
        for (RuleEvaluator.Rule r : evaluator.rules()) {
            out.add(new RuleCount(
                    r.ref(),
                    r.title(),
                    r.level(),
                    matches.getOrDefault(r.ref(), 0L),
                    failures.getOrDefault(r.ref(), 0L)));
        }
        out.sort((a, b) -> a.matches() != b.matches()
                ? Long.compare(b.matches(), a.matches())
                : a.ref().compareTo(b.ref()));
        return out;
    }

    private void run(UUID id, EventQuery query, RuleEvaluator evaluator, Running state) {
        Map<String, Long> perRule = new ConcurrentHashMap<>();
        long[] seq = {0};
        long[] kept = {0};
        long[] lastWrite = {System.nanoTime()};
        try {
            if (state.cancel.get()) {
                finish(id, "cancelled", state, evaluator, perRule, kept[0], null);
                return;
            }
            state.total = store.count(query);
            jdbc.update(
                    "update hunt_jobs set status = 'running', started_at = ?, events_total = ? where id = ?",
                    Timestamp.from(clock.instant()),
                    state.total,
                    id);
            store.scan(query, PAGE, page -> {
                List<IngestedEvent> events = new ArrayList<>(page.size());
                for (StoredEvent e : page) {
                    events.add(e.toIngested());
                }
                List<RuleMatch> found = evaluator.evaluate(events);
                List<Object[]> rows = new ArrayList<>();
                for (RuleMatch m : found) {
                    perRule.merge(m.ruleRef(), 1L, Long::sum);
                    state.matches.incrementAndGet();
                    if (kept[0] < maxKept) {
                        StoredEvent e = page.get(m.eventIndex());
                        rows.add(new Object[] {m, e, ++seq[0]});
                        kept[0]++;
                    }
                }
                if (!rows.isEmpty()) {
                    insertMatches(id, rows);
                }
                state.scanned.addAndGet(page.size());
                if (System.nanoTime() - lastWrite[0] > TimeUnit.SECONDS.toNanos(2)) {
                    lastWrite[0] = System.nanoTime();
                    progress(id, state, evaluator, perRule, kept[0]);
                }
                return !state.cancel.get();
            });
            finish(id, state.cancel.get() ? "cancelled" : "done", state, evaluator, perRule, kept[0], null);
        } catch (Throwable e) {
            log.error("retro-hunt {} failed", id, e);
            finish(id, "failed", state, evaluator, perRule, kept[0], String.valueOf(e.getMessage()));
        } finally {
            running.remove(id);
        }
    }

    private void insertMatches(UUID id, List<Object[]> rows) {
        jdbc.batchUpdate("""
                insert into hunt_matches (job_id, seq, rule_ref, rule_title, level, event_id, event_time, received_at,
                    source, matched_fields)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""", rows, 500, (PreparedStatement ps, Object[] row) -> {
            RuleMatch m = (RuleMatch) row[0];
            StoredEvent e = (StoredEvent) row[1];
            ps.setObject(1, id);
            ps.setLong(2, (Long) row[2]);
            ps.setString(3, clean(m.ruleRef()));
            ps.setString(4, clean(m.ruleTitle() == null ? m.ruleRef() : m.ruleTitle()));
            ps.setString(5, m.level());
            ps.setLong(6, e.id());
            ps.setTimestamp(7, e.time() == null ? null : Timestamp.from(EventDocuments.clamp(e.time())));
            ps.setTimestamp(8, Timestamp.from(e.receivedAt()));
            ps.setString(9, clean(e.source()));
            ps.setString(10, clean(json.writeValueAsString(m.matchedFields())).replace("\\u0000", "\\ufffd"));
        });
    }

    private static String clean(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private void progress(UUID id, Running state, RuleEvaluator evaluator, Map<String, Long> perRule, long kept) {
        jdbc.update(
                "update hunt_jobs set events_scanned = ?, matches = ?, matches_kept = ?, per_rule = ?::jsonb where id = ?",
                state.scanned.get(),
                state.matches.get(),
                kept,
                json.writeValueAsString(counts(evaluator, perRule)),
                id);
    }

    private void finish(
            UUID id,
            String status,
            Running state,
            RuleEvaluator evaluator,
            Map<String, Long> perRule,
            long kept,
            String error) {
        jdbc.update(
                """
                update hunt_jobs set status = ?, finished_at = ?, events_scanned = ?, matches = ?, matches_kept = ?,
                    per_rule = ?::jsonb, error = ?
                where id = ?""",
                status,
                Timestamp.from(clock.instant()),
                state.scanned.get(),
                state.matches.get(),
                kept,
                json.writeValueAsString(counts(evaluator, perRule)),
                error,
                id);
        log.info("retro-hunt {} {}: {} events, {} matches", id, status, state.scanned.get(), state.matches.get());
    }

    @Override
    public Optional<Job> get(UUID id) {
        List<Job> l = jdbc.query("select * from hunt_jobs where id = ?", (rs, i) -> map(rs), id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<Job> recent(int limit) {
        return jdbc.query(
                "select * from hunt_jobs order by created_at desc limit ?",
                (rs, i) -> map(rs),
                Math.max(1, Math.min(limit, 500)));
    }

    @Override
    public boolean cancel(UUID id) {
        Optional<Job> job = get(id);
        if (job.isEmpty()) {
            throw new java.util.NoSuchElementException("no hunt " + id);
        }
        if (!mayCancel(id)) {
            throw new AccessDeniedException(
                    "only the principal that started this hunt, or an administrator (system_write), may cancel it");
        }
        Running r = running.get(id);
        if (r == null || job.get().finished()) {
            return false;
        }
        Boolean cancelled = tx.execute(s -> {
            if (r.cancel.getAndSet(true)) {
                return false; // already asked to stop: one audit entry
            }
            audit.record(
                    "cancelled",
                    "hunt",
                    id.toString(),
                    Map.of("status", job.get().status()),
                    Map.of("status", "cancelling"));
            return true;
        });
        return Boolean.TRUE.equals(cancelled);
    }

    @Override
    public boolean mayCancel(UUID id) {
        if (access.allowed(Permission.SYSTEM_WRITE)) {
            return true;
        }
        List<String> owner = jdbc.query("select owner from hunt_jobs where id = ?", (rs, i) -> rs.getString(1), id);
        return !owner.isEmpty() && owner.get(0) != null && owner.get(0).equals(owner());
    }

    /**
     * Who the current caller is as a hunt owner: its user (a session or any personal token of that user), else the
     * actor (an integration token by id; the system).
     */
    private String owner() {
        return access.currentUser().map(u -> "user:" + u.id()).orElseGet(() -> {
            Actor a = Actor.current();
            return a.type() + ":" + a.id();
        });
    }

    /** What an audit entry shows of the rules: an uploaded rule by its size and SHA-256 (the job keeps the text). */
    private static Map<String, Object> auditView(RuleSelection rules) {
        return switch (rules) {
            case RuleSelection.Active a -> Map.of("active", true);
            case RuleSelection.Stored s -> Map.of("refs", s.refs());
            case RuleSelection.Uploaded u ->
                Map.of("uploadedChars", u.yaml().length(), "uploadedSha256", sha256(u.yaml()));
        };
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<Match> matches(UUID id, String ruleRef, long afterSeq, int limit) {
        int n = Math.max(1, Math.min(limit, 10_000));
        String sql = "select * from hunt_matches where job_id = ? and seq > ?"
                + (ruleRef == null ? "" : " and rule_ref = ?") + " order by seq limit ?";
        Object[] args = ruleRef == null ? new Object[] {id, afterSeq, n} : new Object[] {id, afterSeq, ruleRef, n};
        return jdbc.query(
                sql,
                (rs, i) -> new Match(
                        rs.getLong("seq"),
                        rs.getString("rule_ref"),
                        rs.getString("rule_title"),
                        rs.getString("level"),
                        rs.getLong("event_id"),
                        JdbcLedger.instant(rs, "event_time"),
                        JdbcLedger.instant(rs, "received_at"),
                        rs.getString("source"),
                        json.readValue(rs.getString("matched_fields"), FIELDS)),
                args);
    }

    private Job map(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String status = rs.getString("status");
        long total = rs.getLong("events_total");
        long scanned = rs.getLong("events_scanned");
        long matches = rs.getLong("matches");
        Running live = running.get(id);
        if (live != null && status.equals("running")) {
            scanned = live.scanned.get();
            matches = live.matches.get();
        }
        double progress = status.equals("done") ? 1.0 : total == 0 ? 0.0 : Math.min(1.0, (double) scanned / total);
        Map<String, Object> rules = json.readValue(rs.getString("rules"), MAP);
        return new Job(
                id,
                status,
                rules,
                rs.getString("query"),
                rs.getString("time_field"),
                JdbcLedger.instant(rs, "range_from"),
                JdbcLedger.instant(rs, "range_to"),
                rs.getString("requested_by"),
                JdbcLedger.instant(rs, "created_at"),
                JdbcLedger.instant(rs, "started_at"),
                JdbcLedger.instant(rs, "finished_at"),
                total,
                scanned,
                progress,
                matches,
                rs.getLong("matches_kept"),
                json.readValue(rs.getString("per_rule"), COUNTS),
                json.readValue(rs.getString("refused"), REFUSED),
                rs.getString("error"));
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    /** The hunt pool (tests occupy it to keep a hunt queued while they cancel it). */
    ExecutorService pool() {
        return executor;
    }

    @Override
    public void close() {
        running.values().forEach(r -> r.cancel.set(true));
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
