package dev.vigil.server.governance.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.governance.DemoAttack;
import dev.vigil.server.governance.Exercise;
import dev.vigil.server.governance.ExerciseReplays;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.incidents.ExercisePaging;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.ingest.ReplayIntake;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ExerciseReplays}: replays an attack through {@link ReplayIntake} (the real intake path) on a background
 * thread, one replay per exercise at a time (a partial unique index on the running rows enforces it across
 * requests), then compares what fired with what the exercise expected.
 *
 * <p>Time: the records keep their spacing; all of them are moved by one shift so that the <em>latest</em> lands at the
 * start of the replay (correlation windows and time-based rules see the attack as it happened, in the recent past).
 * Records are sent oldest first in batches; the pipeline's backpressure makes the replay wait, never drop.
 *
 * <p>Completion: after the last batch is durable, the replay waits until the event store's detection checkpoint
 * ({@code evaluatedThrough}) has passed the highest event id at that moment — every replayed event has been through
 * detection — then for the correlation allowance ({@code vigil.governance.replay.settle}, default the correlation
 * out-of-order allowance plus two ticks), the processing time after which held-back correlation firings are
 * released. Then it records the obtained detections (the exercise's alerts since the start), the comparison with the
 * expected ones, and findings: an expected detection that did not fire is an open finding with a follow-up action
 * for the exercise's owner (else the process owner, else whoever started it), due in
 * {@code vigil.governance.replay.finding-due-days} (30); an unexpected one is an informational finding (recorded as
 * done, resolution "informational").
 */
@Service
class JdbcExerciseReplays implements ExerciseReplays, ExercisePaging, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(JdbcExerciseReplays.class);
    private static final Pattern TECHNIQUE = Pattern.compile("(?i)t\\d{4}(\\.\\d{3})?");
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final GovernanceService governance;
    private final ObjectProvider<ReplayIntake> intake;
    private final ObjectProvider<EventStore> store;
    private final ObjectProvider<IngestPipeline> pipeline;
    private final AlertService alerts;
    private final AuditLog audit;
    private final org.springframework.transaction.support.TransactionTemplate transactions;
    private final dev.vigil.server.security.UserService users;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final long maxEvents;
    private final Duration settle;
    private final Duration evaluationTimeout;
    private final int findingDueDays;
    private final Map<UUID, Run> running = new ConcurrentHashMap<>();

    JdbcExerciseReplays(
            JdbcClient jdbc,
            GovernanceService governance,
            ObjectProvider<ReplayIntake> intake,
            ObjectProvider<EventStore> store,
            ObjectProvider<IngestPipeline> pipeline,
            AlertService alerts,
            AuditLog audit,
            org.springframework.transaction.PlatformTransactionManager transactionManager,
            dev.vigil.server.security.UserService users,
            Clock clock,
            @Value("${vigil.governance.replay.max-events:1000000}") long maxEvents,
            @Value("${vigil.governance.replay.settle:${vigil.detection.correlation.allowance:30s}}") Duration allowance,
            @Value("${vigil.detection.correlation.tick-interval:1s}") Duration tick,
            @Value("${vigil.governance.replay.evaluation-timeout:30m}") Duration evaluationTimeout,
            @Value("${vigil.governance.replay.finding-due-days:30}") int findingDueDays) {
        this.jdbc = jdbc;
        this.governance = governance;
        this.intake = intake;
        this.store = store;
        this.pipeline = pipeline;
        this.alerts = alerts;
        this.audit = audit;
        this.transactions = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
        this.users = users;
        this.clock = clock;
        this.maxEvents = maxEvents;
        this.settle = allowance.plus(tick.multipliedBy(2));
        this.evaluationTimeout = evaluationTimeout;
        this.findingDueDays = findingDueDays;
    }

    /** A replay in progress: its thread, who cancelled it, and the events detection has finished. */
    private static final class Run {
        final UUID id;
        final UUID exercise;
        volatile Thread thread;
        volatile String cancelledBy;
        final AtomicLong evaluated = new AtomicLong();

        Run(UUID id, UUID exercise) {
            this.id = id;
            this.exercise = exercise;
        }
    }

    // ------------------------------------------------------------------------------------------------ expectations

    @Override
    public Expectations expectations(UUID exercise) {
        return jdbc.sql("select expected, page_on_call, owner from gov_exercises where id = ?")
                .param(exercise)
                .query((rs, n) -> new Expectations(
                        List.of((String[]) rs.getArray("expected").getArray()),
                        rs.getBoolean("page_on_call"),
                        rs.getString("owner")))
                .optional()
                .orElseThrow(() -> new NoSuchElementException("no exercise " + exercise));
    }

    @Override
    public Expectations setExpectations(UUID exercise, List<String> expected, boolean pageOnCall, String owner) {
        Expectations before = expectations(exercise);
        List<String> clean = cleanExpected(expected);
        String o = owner == null || owner.isBlank()
                ? null
                : users.findByUsername(owner.strip())
                        .map(u -> u.username())
                        .orElseThrow(() -> new IllegalArgumentException("owner: no user '" + owner.strip() + "'"));
        jdbc.sql("update gov_exercises set expected = ?, page_on_call = ?, owner = ? where id = ?")
                .params(clean.toArray(String[]::new), pageOnCall, o, exercise)
                .update();
        Expectations after = expectations(exercise);
        audit.record("expectations-set", "exercise", exercise.toString(), before, after);
        return after;
    }

    private static List<String> cleanExpected(List<String> expected) {
        if (expected == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String e : expected) {
            if (e == null || e.isBlank()) {
                continue;
            }
            String s = e.strip();
            if (s.length() > 200 || s.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("expected detection '" + s.substring(0, Math.min(40, s.length()))
                        + "…' is not a rule id or ATT&CK technique id");
            }
            out.add(TECHNIQUE.matcher(s).matches() ? s.toUpperCase(Locale.ROOT) : s);
        }
        if (out.size() > 500) {
            throw new IllegalArgumentException("at most 500 expected detections");
        }
        return List.copyOf(out);
    }

    @Override
    public boolean pagesOnCall(UUID exercise) {
        return jdbc.sql("select page_on_call from gov_exercises where id = ?")
                .param(exercise)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    // ------------------------------------------------------------------------------------------------ start

    /** What a validated request will send. */
    private record Plan(String kind, List<ReplayIntake.Record> demo, EventQuery stored, long total) {}

    @Override
    public Replay start(UUID exerciseId, ReplayRequest r) {
        Exercise exercise = governance
                .exercise(exerciseId)
                .orElseThrow(() -> new NoSuchElementException("no exercise " + exerciseId));
        if (!exercise.kind().equals("replay")) {
            throw new IllegalArgumentException(
                    "only a replay exercise can replay events (this one is a " + exercise.kind() + ")");
        }
        if (r == null) {
            throw new IllegalArgumentException("a replay request is required");
        }
        ReplayIntake in = intake.getIfAvailable();
        if (in == null) {
            throw new IllegalStateException("the intake is not running in this installation");
        }
        Plan plan = plan(r, in);
        List<String> expected = r.expected() == null ? null : cleanExpected(r.expected()); // 400 before anything
        UUID id = UUID.randomUUID();
        String who = Actor.current().name();
        Instant now = clock.instant();
        try {
            jdbc.sql("""
                            insert into gov_exercise_replays (id, exercise_id, kind, range_from, range_to, source, query,
                                status, events_total, started_by, started_at)
                            values (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)""")
                    .params(
                            id,
                            exerciseId,
                            plan.kind(),
                            ts(r.from()),
                            ts(r.to()),
                            blank(r.source()),
                            blank(r.query()),
                            plan.total(),
                            who,
                            Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("a replay of this exercise is already running; cancel it first");
        }
        if (expected != null || r.pageOnCall() != null) {
            Expectations e = expectations(exerciseId);
            setExpectations(
                    exerciseId,
                    expected != null ? expected : e.expected(),
                    r.pageOnCall() != null ? r.pageOnCall() : e.pageOnCall(),
                    e.owner());
        }
        Replay started = replay(id).orElseThrow();
        audit.record("replay-started", "exercise", exerciseId.toString(), null, started);
        Run run = new Run(id, exerciseId);
        running.put(id, run);
        Thread t = Thread.ofPlatform()
                .name("vigil-exercise-replay-" + id)
                .daemon(true)
                .unstarted(() -> execute(run, plan, now));
        run.thread = t;
        t.start();
        return started;
    }

    private Plan plan(ReplayRequest r, ReplayIntake in) {
        String kind = r.kind() == null ? "" : r.kind().strip().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "demo" -> {
                // read as the configured sources of those names, else with the demo's own definitions
                List<ReplayIntake.Record> records = new ArrayList<>();
                for (DemoAttack.Item i : DemoAttack.records(
                        clock.instant().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS))) {
                    records.add(
                            new ReplayIntake.Record(i.source(), i.raw(), i.at(), DemoAttack.definition(i.source())));
                }
                records.sort(java.util.Comparator.comparing(ReplayIntake.Record::receivedAt));
                return new Plan("demo", records, null, records.size());
            }
            case "stored" -> {
                EventStore s = store.getIfAvailable();
                if (s == null) {
                    throw new IllegalArgumentException("there is no event store to replay from");
                }
                if (r.from() == null || r.to() == null) {
                    throw new IllegalArgumentException("a stored replay needs from and to (event time)");
                }
                if (!r.from().isBefore(r.to())) {
                    throw new IllegalArgumentException("from must be before to");
                }
                String source = blank(r.source());
                if (source != null && (!in.hasSource(source) || ExerciseTag.isExercise(source))) {
                    throw new IllegalArgumentException(
                            "unknown source '" + (source.length() > 64 ? source.substring(0, 64) + "…" : source) + "'");
                }
                String q = blank(r.query());
                if (q != null && q.length() > 4000) {
                    throw new IllegalArgumentException("query is longer than 4000 characters");
                }
                StringBuilder query = new StringBuilder();
                if (source != null) {
                    query.append("_source:\"").append(source).append('"');
                }
                if (q != null) {
                    query.append(query.isEmpty() ? "" : " AND ")
                            .append('(')
                            .append(q)
                            .append(')');
                }
                EventQuery eq = new EventQuery(
                        query.toString(),
                        r.from(),
                        r.to(),
                        EventQuery.TimeField.EVENT,
                        EventQuery.Order.OLDEST_FIRST,
                        BATCH,
                        null);
                long total = s.count(eq); // an invalid query throws IllegalArgumentException here: 400
                if (total == 0) {
                    throw new IllegalArgumentException("no stored events match: the range is empty");
                }
                if (total > maxEvents) {
                    throw new IllegalArgumentException("the range holds " + total + " events; a replay takes at most "
                            + maxEvents + " (vigil.governance.replay.max-events): narrow the range, source or query");
                }
                return new Plan("stored", null, eq, total);
            }
            default -> throw new IllegalArgumentException("kind must be demo or stored");
        }
    }

    // ------------------------------------------------------------------------------------------------ the run

    private void execute(Run run, Plan plan, Instant startedAt) {
        String prefix = ExerciseTag.PREFIX + run.exercise + ".";
        Consumer<List<IngestedEvent>> listener = batch -> {
            long n = 0;
            for (IngestedEvent e : batch) {
                if (e.sourceName().startsWith(prefix)) {
                    n++;
                }
            }
            if (n > 0) {
                run.evaluated.addAndGet(n);
            }
        };
        IngestPipeline p = pipeline.getIfAvailable();
        if (p != null) {
            p.addListener(listener);
        }
        try {
            long[] sent = {0, 0};
            if (plan.demo() != null) {
                List<ReplayIntake.Record> records = plan.demo();
                Instant latest = records.getLast().receivedAt();
                Duration shift = Duration.between(latest, startedAt);
                setShift(run, shift);
                for (int i = 0; i < records.size() && run.cancelledBy == null; i += BATCH) {
                    send(run, records.subList(i, Math.min(records.size(), i + BATCH)), shift, sent);
                }
            } else {
                EventStore s = store.getObject();
                // the latest event time of the range decides the shift
                List<StoredEvent> newest = s.search(plan.stored()
                                .withOrder(EventQuery.Order.NEWEST_FIRST)
                                .withSize(1))
                        .events();
                Instant latest = newest.isEmpty() ? startedAt : timeOf(newest.getFirst());
                Duration shift = Duration.between(latest, startedAt);
                setShift(run, shift);
                RuntimeException[] failure = {null};
                InterruptedException[] interrupted = {null};
                s.scan(plan.stored(), BATCH, events -> {
                    if (run.cancelledBy != null) {
                        return false;
                    }
                    List<ReplayIntake.Record> records = new ArrayList<>(events.size());
                    for (StoredEvent e : events) {
                        if (ExerciseTag.isExercise(e.source())) {
                            continue; // an earlier exercise's events are not replayed again
                        }
                        records.add(new ReplayIntake.Record(e.source(), e.raw(), e.receivedAt()));
                    }
                    try {
                        send(run, records, shift, sent);
                        return true;
                    } catch (InterruptedException ex) {
                        interrupted[0] = ex;
                        return false;
                    } catch (RuntimeException ex) {
                        failure[0] = ex;
                        return false;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                if (interrupted[0] != null) {
                    throw interrupted[0];
                }
            }
            if (run.cancelledBy != null) {
                finish(run, "cancelled", null);
                return;
            }
            awaitEvaluated(run);
            if (run.cancelledBy != null) {
                finish(run, "cancelled", null);
                return;
            }
            jdbc.sql("update gov_exercise_replays set status = 'settling', events_evaluated = ? where id = ?")
                    .params(run.evaluated.get(), run.id)
                    .update();
            awaitSettled(run);
            if (run.cancelledBy != null) {
                finish(run, "cancelled", null);
                return;
            }
            compare(run, startedAt);
            finish(run, "completed", null);
        } catch (InterruptedException e) {
            finish(run, "cancelled", null);
        } catch (RuntimeException e) {
            log.error("Replay {} of exercise {} failed", run.id, run.exercise, e);
            finish(run, "failed", e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            if (p != null) {
                p.removeListener(listener);
            }
            running.remove(run.id);
        }
    }

    private static Instant timeOf(StoredEvent e) {
        return e.time() != null ? e.time() : e.receivedAt();
    }

    private void setShift(Run run, Duration shift) {
        jdbc.sql("update gov_exercise_replays set shift_seconds = ? where id = ?")
                .params(shift.toSeconds(), run.id)
                .update();
    }

    private void send(Run run, List<ReplayIntake.Record> records, Duration shift, long[] sent)
            throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        ReplayIntake.Outcome o = intake.getObject().replay(run.exercise, records, shift);
        sent[0] += o.accepted();
        sent[1] += o.rejected();
        jdbc.sql("update gov_exercise_replays set events_sent = ?, events_rejected = ?, events_evaluated = ?,"
                        + " error = coalesce(error, ?) where id = ?")
                .params(
                        sent[0],
                        sent[1],
                        run.evaluated.get(),
                        o.errors().isEmpty()
                                ? null
                                : "rejected by the source's parser: "
                                        + o.errors().getFirst(),
                        run.id)
                .update();
    }

    /** Waits (polling the store's detection checkpoint) until every event stored so far has been evaluated. */
    private void awaitEvaluated(Run run) throws InterruptedException {
        EventStore s = store.getIfAvailable();
        if (s == null) {
            return;
        }
        long target = s.status().lastId();
        Instant deadline = clock.instant().plus(evaluationTimeout);
        long lastSaved = -1;
        while (s.status().evaluatedThrough() < target) {
            if (run.cancelledBy != null) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("detection did not finish the replayed events within "
                        + evaluationTimeout + " (vigil.governance.replay.evaluation-timeout)");
            }
            long n = run.evaluated.get();
            if (n != lastSaved) {
                jdbc.sql("update gov_exercise_replays set events_evaluated = ? where id = ?")
                        .params(n, run.id)
                        .update();
                lastSaved = n;
            }
            Thread.sleep(200);
        }
    }

    /** Waits out the correlation allowance in processing time, so held-back correlation firings are raised. */
    private void awaitSettled(Run run) throws InterruptedException {
        Instant until = clock.instant().plus(settle);
        while (clock.instant().isBefore(until) && run.cancelledBy == null) {
            Thread.sleep(200);
        }
    }

    private void finish(Run run, String status, String error) {
        try {
            // the status and its audit entry in one transaction: whoever sees the end sees it audited
            transactions.executeWithoutResult(tx -> finishInTransaction(run, status, error));
        } catch (RuntimeException e) {
            log.error("Could not record the end of replay {}", run.id, e);
        }
    }

    private void finishInTransaction(Run run, String status, String error) {
        {
            jdbc.sql("""
                            update gov_exercise_replays set status = ?, finished_at = ?, cancelled_by = ?,
                                events_evaluated = greatest(events_evaluated, ?), error = coalesce(?, error)
                            where id = ?""")
                    .params(
                            status,
                            Timestamp.from(clock.instant()),
                            status.equals("cancelled") ? run.cancelledBy : null,
                            run.evaluated.get(),
                            error,
                            run.id)
                    .update();
            Replay r = replay(run.id).orElseThrow();
            if (!status.equals("cancelled")) { // a cancellation is audited when it is asked for
                audit.record(Actor.SYSTEM, "replay-" + status, "exercise", run.exercise.toString(), null, r);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ results

    private void compare(Run run, Instant startedAt) {
        Map<String, Obtained> obtained = new LinkedHashMap<>();
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (Alert a : alerts.exerciseAlerts(run.exercise, startedAt, 100_000)) {
            counts.computeIfAbsent(a.ruleId(), k -> new long[1])[0]++;
            obtained.putIfAbsent(a.ruleId(), new Obtained(a.ruleId(), a.ruleTitle(), 0, techniques(a.tags())));
        }
        List<Obtained> obtainedList = new ArrayList<>();
        obtained.forEach((k, v) -> obtainedList.add(new Obtained(k, v.title(), counts.get(k)[0], v.techniques())));

        Expectations exp = expectations(run.exercise);
        List<Comparison> comparison = new ArrayList<>();
        Set<String> explained = new TreeSet<>();
        for (String e : exp.expected()) {
            List<String> rules = new ArrayList<>();
            boolean technique = TECHNIQUE.matcher(e).matches();
            for (Obtained o : obtainedList) {
                boolean hit = technique
                        ? o.techniques().stream().anyMatch(t -> t.equals(e) || t.startsWith(e + "."))
                        : o.ruleId().equals(e);
                if (hit) {
                    rules.add(o.ruleId());
                }
            }
            explained.addAll(rules);
            comparison.add(new Comparison(e, rules.isEmpty() ? "missed" : "detected", rules));
        }
        for (Obtained o : obtainedList) {
            if (!explained.contains(o.ruleId())) {
                comparison.add(new Comparison(o.ruleId(), "unexpected", List.of(o.ruleId())));
            }
        }
        jdbc.sql("update gov_exercise_replays set obtained = ?::jsonb, comparison = ?::jsonb where id = ?")
                .params(json.writeValueAsString(obtainedList), json.writeValueAsString(comparison), run.id)
                .update();

        String owner = owner(run.exercise, exp);
        LocalDate due = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(findingDueDays);
        Instant now = clock.instant();
        for (Comparison c : comparison) {
            if (c.status().equals("missed")) {
                finding(
                        run,
                        "Expected detection " + c.detection() + " did not fire in the replay of " + startedAt + ".",
                        "Check the log source and the rule for " + c.detection()
                                + " (enabled, logsource, field mapping); add or fix the detection, then replay again.",
                        owner,
                        due,
                        null,
                        now);
            } else if (c.status().equals("unexpected")) {
                Obtained o = obtained.get(c.detection());
                finding(
                        run,
                        "Unexpected detection: rule " + c.detection() + " (" + o.title() + ") fired "
                                + counts.get(c.detection())[0] + " time(s) in the replay of " + startedAt + ".",
                        "Informational: add it to the expected detections if it belongs to the scenario, or review"
                                + " the rule for false positives.",
                        owner,
                        due,
                        "informational",
                        now);
            }
        }
    }

    private void finding(
            Run run, String text, String action, String owner, LocalDate due, String resolution, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into gov_exercise_findings (id, exercise_id, finding, action, owner, due_date, status,
                            closed_at, resolution, created_at, replay_id)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        run.exercise,
                        text,
                        action,
                        owner,
                        due,
                        resolution == null ? "open" : "done",
                        resolution == null ? null : Timestamp.from(now),
                        resolution,
                        Timestamp.from(now),
                        run.id)
                .update();
        audit.record(
                Actor.SYSTEM,
                "finding-added",
                "exercise",
                run.exercise.toString(),
                null,
                Map.of("finding", text, "owner", owner, "replay", run.id.toString()));
    }

    private String owner(UUID exercise, Expectations exp) {
        if (exp.owner() != null) {
            return exp.owner();
        }
        String processOwner = governance
                .exercise(exercise)
                .map(Exercise::processKey)
                .flatMap(governance::process)
                .map(GovernedProcess::owner)
                .orElse(null);
        if (processOwner != null) {
            return processOwner;
        }
        return jdbc.sql("select started_by from gov_exercise_replays where exercise_id = ? order by started_at desc"
                        + " limit 1")
                .param(exercise)
                .query(String.class)
                .optional()
                .orElse("unassigned");
    }

    private static List<String> techniques(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String t : tags) {
            String l = t.toLowerCase(Locale.ROOT);
            if (l.startsWith("attack.") && TECHNIQUE.matcher(l.substring(7)).matches()) {
                out.add(l.substring(7).toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ cancel, read

    @Override
    public Replay cancel(UUID exercise) {
        Replay active =
                active(exercise).orElseThrow(() -> new IllegalStateException("no replay of this exercise is running"));
        String who = Actor.current().name();
        Run run = running.get(active.id());
        if (run != null) {
            run.cancelledBy = who;
        } else {
            // not running in this process (e.g. the server restarted mid-replay): close the row
            jdbc.sql("update gov_exercise_replays set status = 'cancelled', finished_at = ?, cancelled_by = ?"
                            + " where id = ? and status in ('running', 'settling')")
                    .params(Timestamp.from(clock.instant()), who, active.id())
                    .update();
        }
        audit.record("replay-cancelled", "exercise", exercise.toString(), active, Map.of("replay", active.id()));
        return replay(active.id()).orElseThrow();
    }

    @Override
    public Optional<Replay> replay(UUID id) {
        return jdbc.sql("select * from gov_exercise_replays where id = ?")
                .param(id)
                .query((rs, n) -> map(rs))
                .optional();
    }

    @Override
    public List<Replay> replays(UUID exercise) {
        return jdbc.sql("select * from gov_exercise_replays where exercise_id = ? order by started_at desc")
                .param(exercise)
                .query((rs, n) -> map(rs))
                .list();
    }

    /** By start time, the id breaking ties; served by {@code gov_exercise_replays_listed_idx}. */
    static final dev.vigil.server.platform.jdbc.Keyset REPLAY_ORDER = new dev.vigil.server.platform.jdbc.Keyset(
            "exercise-replays",
            "started_at",
            dev.vigil.server.platform.jdbc.Keyset.Kind.TIMESTAMP,
            "id",
            dev.vigil.server.platform.jdbc.Keyset.Kind.UUID);

    @Override
    public dev.vigil.server.platform.api.Page<Replay> replays(
            UUID exercise, dev.vigil.server.platform.api.PageQuery page) {
        return REPLAY_ORDER.page(
                jdbc,
                new dev.vigil.server.platform.jdbc.SqlFilter().and("exercise_id = ?", exercise),
                "gov_exercise_replays",
                "select * from gov_exercise_replays",
                page,
                page.descendingBy("startedAt"),
                (rs, n) -> map(rs),
                Replay::startedAt,
                Replay::id);
    }

    @Override
    public Optional<Replay> active(UUID exercise) {
        return jdbc.sql("select * from gov_exercise_replays where exercise_id = ? and status in ('running', 'settling')"
                        + " order by started_at desc limit 1")
                .param(exercise)
                .query((rs, n) -> map(rs))
                .optional();
    }

    private Replay map(ResultSet rs) throws SQLException {
        String obtained = rs.getString("obtained");
        String comparison = rs.getString("comparison");
        long shift = rs.getLong("shift_seconds");
        boolean noShift = rs.wasNull();
        return new Replay(
                rs.getObject("id", UUID.class),
                rs.getObject("exercise_id", UUID.class),
                rs.getString("kind"),
                instant(rs, "range_from"),
                instant(rs, "range_to"),
                rs.getString("source"),
                rs.getString("query"),
                rs.getString("status"),
                rs.getLong("events_total"),
                rs.getLong("events_sent"),
                rs.getLong("events_rejected"),
                rs.getLong("events_evaluated"),
                noShift ? null : shift,
                obtained == null ? List.of() : json.readValue(obtained, new TypeReference<List<Obtained>>() {}),
                comparison == null ? List.of() : json.readValue(comparison, new TypeReference<List<Comparison>>() {}),
                rs.getString("error"),
                rs.getString("started_by"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getString("cancelled_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Replays a previous run of the server left running (killed mid-replay) are failed at start: none resumes. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void failOrphans() {
        int n = jdbc.sql("""
                        update gov_exercise_replays set status = 'failed', finished_at = ?,
                            error = 'the server stopped during the replay'
                        where status in ('running', 'settling')""").param(Timestamp.from(clock.instant())).update();
        if (n > 0) {
            log.warn("{} replay exercise(s) were interrupted by the last stop and are marked failed", n);
        }
    }

    /** Replays running when the server stops are cancelled (cancelled by {@code shutdown}); none resumes. */
    @Override
    public void destroy() {
        for (Run run : running.values()) {
            run.cancelledBy = "shutdown";
            Thread t = run.thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
