package dev.vigil.server.detection.internal;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.RuleFailure;
import dev.vigil.engine.event.Event;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.detection.DetectionService;
import dev.vigil.server.ingest.SinkFailure;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hot path: one {@link Engine#match} per batch, then one {@link AlertService#raise} for the batch's alerts.
 * Per-rule statistics are updated per detection; detections below {@code vigil.detection.min-alert-level} or over a
 * rule's per-minute alert budget are counted as suppressed (visible per rule and as a metric), never silently lost.
 * Rule failures are counted against the rule; the batch goes on.
 *
 * <p>Correlation is committed after the batch: the engine matches the batch staged ({@link Engine#matchStaged}),
 * the base alerts are stored, and only then are the batch's detections folded into the correlation windows ({@link
 * Engine#correlate(Engine.Staged)}). A batch whose alerts cannot be stored throws before the correlation state saw
 * it, so when the pipeline retries it (whole, or the halves it bisects it into to isolate a bad event) every event
 * is counted once in event_count/value_count/temporal windows: no spurious correlation alert. Rule statistics,
 * alert budgets and metrics likewise count a batch only once it succeeded. After the commit nothing fails the batch:
 * a correlation alert that cannot be stored is deferred: spooled to local disk ({@link FiringSpool}, so a crash or
 * restart while the alert store is down loses nothing), retried every tick and at the next start, bounded in number
 * and age (what is given up is counted as lost and logged). Its alert id is fixed when it fires, so a retry of an
 * alert that was stored after all stores nothing twice.
 */
@Service
class DefaultDetectionService implements DetectionService {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DefaultDetectionService.class);
    private static final int MAX_FIELD_VALUE = 4096;
    private static final int MAX_RAW = 1024 * 1024;

    private final ActiveRules active;
    private final AlertService alerts;
    private final RuleStatsRegistry stats;
    private final DetectionMetrics metrics;
    private final Clock clock;
    private final JsonMapper json;
    private final AlertLevel minLevel;
    private final int budgetPerMinute;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    DefaultDetectionService(
            ActiveRules active,
            AlertService alerts,
            RuleStatsRegistry stats,
            DetectionMetrics metrics,
            Clock clock,
            JsonMapper json,
            DetectionProperties properties,
            FiringSpool spool) {
        this.active = active;
        this.alerts = alerts;
        this.stats = stats;
        this.metrics = metrics;
        this.clock = clock;
        this.json = json;
        this.minLevel = AlertLevel.parse(properties.minAlertLevel());
        this.budgetPerMinute = properties.maxAlertsPerRulePerMinute();
        this.spool = spool;
        this.maxDeferred = Math.max(1, properties.correlation().maxWaitingFirings());
        this.maxDefer = properties.correlation().maxFiringWait();
        metrics.spool(spool);
        reload();
    }

    /** A per-rule alert budget that refills every minute. */
    private static final class Budget {
        final AtomicLong minute = new AtomicLong();
        final AtomicLong used = new AtomicLong();

        boolean take(long nowMinute, int limit) {
            long m = minute.get();
            if (m != nowMinute && minute.compareAndSet(m, nowMinute)) {
                used.set(0);
            }
            return used.incrementAndGet() <= limit;
        }

        /** Gives back what {@link #take} charged in the same minute (the alerts were not stored). */
        void refund(long nowMinute) {
            if (minute.get() == nowMinute) {
                used.decrementAndGet();
            }
        }
    }

    @Override
    public void process(List<IngestedEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Engine engine = active.engine();
        if (engine == null) {
            metrics.unevaluated(batch.size());
            return;
        }
        long start = System.nanoTime();
        List<Event> events = new ArrayList<>(batch.size());
        for (IngestedEvent e : batch) {
            events.add(eventOf(e));
        }
        Engine.Staged staged = engine.matchStaged(events);
        // the base detections' alerts first: when storing them throws, the correlation state has not seen the batch,
        // so the pipeline's retry of it (whole or a half of it) is counted once in every correlation window
        handle(staged.result(), batch, start, false);
        correlate(engine, staged, batch);
    }

    /**
     * Folds a batch whose base alerts are stored into the correlation state and raises the firings. Never throws:
     * the batch is done (a retry would count it twice); a firing whose alert cannot be stored is kept and retried.
     */
    private void correlate(Engine engine, Engine.Staged staged, List<IngestedEvent> batch) {
        long start = System.nanoTime();
        MatchResult firings;
        try {
            firings = engine.correlate(staged);
        } catch (RuntimeException e) {
            // the engine records a correlator failure per detection; this is a defect beyond one detection
            metrics.batch(0, 0, 0, 0, 1, 0);
            log.error("correlation failed for a batch of {} events; its base detections were raised", batch.size(), e);
            return;
        }
        if (firings != MatchResult.EMPTY) {
            handle(firings, batch, start, true);
        }
    }

    /**
     * Ticks the engine's correlation (see {@link CorrelationDriver}): firings released because the stream went idle
     * are raised like any other detection; firings whose alerts could not be stored before are retried.
     */
    void tick() {
        retryDeferred();
        Engine engine = active.engine();
        if (engine == null) {
            return;
        }
        long start = System.nanoTime();
        MatchResult result = engine.tick();
        if (!result.detections().isEmpty()) {
            handle(result, List.of(), start, true);
        }
    }

    /**
     * Raises the alerts of a result and then counts its detections in the rule statistics and metrics. When storing
     * fails: base detections ({@code committed} false) leave no trace (budgets refunded, nothing counted) and the
     * exception reaches the pipeline, which retries the batch; correlation firings ({@code committed}: the
     * correlation state has moved on and will not produce them again) are counted and their alerts deferred.
     */
    private void handle(MatchResult result, List<IngestedEvent> batch, long start, boolean committed) {
        Instant now = clock.instant();
        long nowMinute = now.getEpochSecond() / 60;
        List<NewAlert> raise = new ArrayList<>();
        List<String> matched = new ArrayList<>();
        List<String> suppressedRefs = new ArrayList<>();
        List<Budget> charged = new ArrayList<>();
        int suppressed = 0;
        for (Detection d : result.detections()) {
            String ref = active.refOf(d.ruleId());
            IngestedEvent origin =
                    d.eventIndex() >= 0 && d.eventIndex() < batch.size() ? batch.get(d.eventIndex()) : null;
            java.util.UUID exercise = exerciseOf(d, origin);
            AlertLevel level = AlertLevel.fromSigma(d.level());
            if (exercise != null) {
                // an exercise's detections are raised (tagged) but neither counted in the rule's production
                // statistics (rule health, noisy rules) nor charged to its production alert budget: an exercise has
                // a budget of its own per rule
                Budget budget = level.compareTo(minLevel) >= 0
                        ? budgets.computeIfAbsent(ref + '\u001f' + exercise, k -> new Budget())
                        : null;
                if (budget != null && budget.take(nowMinute, budgetPerMinute)) {
                    charged.add(budget);
                    addAlert(raise, charged, nowMinute, committed, () -> toAlert(ref, d, level, origin, now, exercise));
                } else {
                    if (budget != null) {
                        charged.add(budget);
                    }
                    suppressed++;
                }
                continue;
            }
            matched.add(ref);
            if (level.compareTo(minLevel) < 0) {
                suppressedRefs.add(ref);
                suppressed++;
                continue;
            }
            Budget budget = budgets.computeIfAbsent(ref, k -> new Budget());
            charged.add(budget);
            if (!budget.take(nowMinute, budgetPerMinute)) {
                suppressedRefs.add(ref);
                suppressed++;
                continue;
            }
            addAlert(raise, charged, nowMinute, committed, () -> toAlert(ref, d, level, origin, now, null));
        }
        if (committed) {
            // a firing's alert gets its id now: however often it is retried (after a failed commit, from the spool
            // after a crash) the alert store keeps it once
            raise.replaceAll(a -> a.id() == null ? a.withId(java.util.UUID.randomUUID()) : a);
        }
        if (!raise.isEmpty()) {
            try {
                alerts.raise(raise);
            } catch (RuntimeException e) {
                if (!committed) {
                    for (Budget b : charged) {
                        b.refund(nowMinute);
                    }
                    throw e;
                }
                defer(raise, now, e);
            }
        }
        for (RuleFailure f : result.errors()) {
            stats.failed(active.refOf(f.ruleId()), f.message(), now);
        }
        for (String ref : matched) {
            stats.matched(ref, now);
        }
        for (String ref : suppressedRefs) {
            stats.suppressed(ref);
        }
        metrics.batch(
                committed ? 0 : batch.size(), // a batch's events are counted with its base detections
                result.detections().size(),
                raise.size(),
                suppressed,
                result.errors().size(),
                System.nanoTime() - start);
    }

    /**
     * Adds the alert {@code make} builds. When building throws (a value the alert cannot carry): for base detections
     * the budgets are refunded and the exception reaches the pipeline, which isolates the event; for a committed
     * firing the alert is counted as lost (retrying the batch would count it twice in its windows).
     */
    private void addAlert(
            List<NewAlert> raise,
            List<Budget> charged,
            long nowMinute,
            boolean committed,
            java.util.function.Supplier<NewAlert> make) {
        try {
            raise.add(make.get());
        } catch (RuntimeException e) {
            if (!committed) {
                for (Budget b : charged) {
                    b.refund(nowMinute);
                }
                throw e;
            }
            metrics.firingsLost(1);
            log.error("could not build the alert of a correlation firing; it is lost", e);
        }
    }

    /**
     * A correlation alert kept for a retry (the correlation state will not produce it again), with its spool entry
     * (null when it could not be written to disk: it waits in memory only).
     */
    private record Deferred(NewAlert alert, Instant since, FiringSpool.Entry entry) {}

    /** Correlation firings whose alerts are not stored yet, oldest first; guarded by itself. */
    private final java.util.ArrayDeque<Deferred> deferred = new java.util.ArrayDeque<>();

    /** Where waiting firings are kept across restarts. */
    private final FiringSpool spool;

    /** At most this many firings wait for the alert store; beyond it the oldest is dropped (counted, logged). */
    private final int maxDeferred;

    /** A firing whose alert could not be stored for this long (across restarts) is dropped (counted, logged). */
    private final java.time.Duration maxDefer;

    /** Reads back the firings spooled before the last stop (oldest first); unreadable files are set aside. */
    private void reload() {
        FiringSpool.Loaded loaded = spool.load();
        if (loaded.corrupt() > 0) {
            metrics.firingsCorrupt(loaded.corrupt());
            log.error(
                    "{} unreadable files in the correlation firing spool {} were moved to {}/ and are not retried",
                    loaded.corrupt(),
                    spool.directory(),
                    FiringSpool.CORRUPT);
        }
        if (loaded.entries().isEmpty()) {
            return;
        }
        List<Deferred> dropped;
        synchronized (deferred) {
            for (FiringSpool.Entry e : loaded.entries()) {
                deferred.addLast(new Deferred(e.alert(), e.since(), e));
            }
            dropped = overBound();
        }
        metrics.firingsDeferred(0, deferredAlerts());
        log.warn(
                "{} correlation alerts spooled before the last stop wait for the alert store; retried every tick",
                loaded.entries().size());
        drop(dropped, "more than " + maxDeferred + " were waiting");
    }

    /** Removes the oldest firings beyond {@link #maxDeferred}; call holding the lock. */
    private List<Deferred> overBound() {
        List<Deferred> dropped = new ArrayList<>();
        while (deferred.size() > maxDeferred) {
            dropped.add(deferred.pollFirst());
        }
        return dropped;
    }

    /** Counts and logs firings given up, and deletes their spool files. */
    private void drop(List<Deferred> dropped, String why) {
        if (dropped.isEmpty()) {
            return;
        }
        for (Deferred d : dropped) {
            if (d.entry() != null) {
                spool.remove(d.entry());
            }
        }
        lost(dropped.size(), why + "; rules " + rulesOf(dropped));
    }

    private static String rulesOf(List<Deferred> ds) {
        java.util.Set<String> rules = new java.util.TreeSet<>();
        for (Deferred d : ds) {
            if (rules.size() == 10) {
                rules.add("...");
                break;
            }
            rules.add(d.alert().ruleId());
        }
        return String.join(", ", rules);
    }

    /**
     * Keeps correlation alerts the store refused: written to the spool (fsynced) first, then counted as deferred.
     * When the spool cannot be written (disk full) they wait in memory only, counted and logged.
     */
    private void defer(List<NewAlert> raise, Instant now, RuntimeException cause) {
        List<Deferred> add = new ArrayList<>(raise.size());
        try {
            for (FiringSpool.Entry e : spool.write(raise, now)) {
                add.add(new Deferred(e.alert(), now, e));
            }
        } catch (RuntimeException io) {
            metrics.firingsUnspooled(raise.size());
            log.error(
                    "could not spool {} correlation alerts to {}; they wait in memory only and are lost if the"
                            + " server stops before the alert store is back",
                    raise.size(),
                    spool.directory(),
                    io);
            for (NewAlert a : raise) {
                add.add(new Deferred(a, now, null));
            }
        }
        List<Deferred> dropped;
        synchronized (deferred) {
            deferred.addAll(add);
            dropped = overBound();
        }
        metrics.firingsDeferred(raise.size(), deferredAlerts());
        log.warn(
                "could not store {} correlation alerts ({}); they are retried every tick for up to {}",
                raise.size(),
                cause.toString(),
                maxDefer);
        drop(dropped, "more than " + maxDeferred + " were waiting");
    }

    private void lost(int n, String why) {
        metrics.firingsLost(n);
        log.error("{} correlation alerts could not be stored and are lost ({})", n, why);
    }

    /** Number of correlation alerts waiting to be stored. */
    int deferredAlerts() {
        synchronized (deferred) {
            return deferred.size();
        }
    }

    /**
     * Stores the deferred correlation alerts: all at once; when the store is unavailable ({@link
     * SinkFailure#isOutage}) they all wait for the next tick, up to {@link #maxDefer}; when it refuses a value, by
     * halves down to the single alert it refuses (set aside in the spool's {@code refused/}, counted as lost).
     */
    void retryDeferred() {
        List<Deferred> todo;
        synchronized (deferred) {
            if (deferred.isEmpty()) {
                return;
            }
            todo = new ArrayList<>(deferred);
            deferred.clear();
        }
        List<Deferred> left = new ArrayList<>();
        store(todo, left);
        Instant now = clock.instant();
        List<Deferred> expired = new ArrayList<>();
        List<Deferred> dropped;
        synchronized (deferred) {
            for (int i = left.size() - 1; i >= 0; i--) {
                Deferred d = left.get(i);
                if (java.time.Duration.between(d.since(), now).compareTo(maxDefer) > 0) {
                    expired.add(d);
                } else {
                    deferred.addFirst(d);
                }
            }
            dropped = overBound();
        }
        metrics.firingsDeferred(0, deferredAlerts());
        drop(expired, "the alert store failed for more than " + maxDefer);
        drop(dropped, "more than " + maxDeferred + " were waiting");
    }

    /**
     * Stores {@code todo}; what must wait goes to {@code left}. False when the store was found unavailable (the rest
     * of {@code todo} went to {@code left} untried).
     */
    private boolean store(List<Deferred> todo, List<Deferred> left) {
        RuntimeException e = tryRaise(todo);
        return e == null || split(todo, e, left, false);
    }

    /**
     * {@code todo} failed with {@code e} (not stored). A single alert is refused when the store names its value
     * ({@link SinkFailure.Kind#RECORD}) or when it fails alone while its sibling half was stored.
     */
    private boolean split(List<Deferred> todo, RuntimeException e, List<Deferred> left, boolean siblingStored) {
        SinkFailure.Kind kind = SinkFailure.of(e);
        if (kind == SinkFailure.Kind.OUTAGE) {
            left.addAll(todo);
            return false;
        }
        if (todo.size() == 1) {
            if (kind == SinkFailure.Kind.RECORD || siblingStored) {
                refused(todo.get(0), e);
            } else {
                left.addAll(todo); // not known to be this alert's fault: it waits (bounded by age)
            }
            return true;
        }
        int mid = todo.size() / 2;
        List<Deferred> a = todo.subList(0, mid);
        List<Deferred> b = todo.subList(mid, todo.size());
        RuntimeException ea = tryRaise(a);
        if (ea != null && SinkFailure.isOutage(ea)) {
            left.addAll(todo);
            return false;
        }
        RuntimeException eb = tryRaise(b);
        if (eb != null && SinkFailure.isOutage(eb)) {
            if (ea != null) {
                left.addAll(a);
            }
            left.addAll(b);
            return false;
        }
        if (ea != null
                && eb != null
                && SinkFailure.of(ea) != SinkFailure.Kind.RECORD
                && SinkFailure.of(eb) != SinkFailure.Kind.RECORD) {
            // both halves fail alike (unknown, or statements timing out): not one alert's fault; they wait (bounded
            // by age)
            left.addAll(todo);
            return true;
        }
        boolean up = ea == null || split(a, ea, left, eb == null);
        if (eb != null) {
            if (up) {
                up = split(b, eb, left, ea == null);
            } else {
                left.addAll(b);
            }
        }
        return up;
    }

    private void refused(Deferred d, RuntimeException e) {
        if (d.entry() != null) {
            spool.setAside(d.entry().file(), FiringSpool.REFUSED, e.toString());
        }
        lost(
                1,
                "alert of rule " + d.alert().ruleId() + " refused by the alert store: " + e
                        + (d.entry() == null
                                ? ""
                                : "; kept in " + spool.directory().resolve(FiringSpool.REFUSED)));
    }

    /** Raises {@code todo} in one call; on success deletes their spool files. Null when stored, else the failure. */
    private RuntimeException tryRaise(List<Deferred> todo) {
        List<NewAlert> batch = new ArrayList<>(todo.size());
        for (Deferred d : todo) {
            batch.add(d.alert());
        }
        try {
            alerts.raise(batch);
        } catch (RuntimeException e) {
            return e;
        }
        for (Deferred d : todo) {
            if (d.entry() != null) {
                spool.remove(d.entry());
            }
        }
        return null;
    }

    /**
     * The engine event of an ingested event (the one place that knows how {@link IngestedEvent} carries it), with
     * {@value #APPLICATION_FIELD} set to the owning application so rules and correlations can group by it (a value
     * the record itself carries under that name is replaced: the source decides, not the sender).
     */
    static Event eventOf(IngestedEvent e) {
        return e.application() == null || e.application().isBlank()
                ? e.event()
                : e.event().withField(APPLICATION_FIELD, e.application());
    }

    /** The event field naming the application that owns the event's log source. */
    static final String APPLICATION_FIELD = "vigil.application";

    /**
     * The correlation partition of an event (configured on the engine, {@code CorrelationOptions.withPartition}): the
     * exercise it was replayed for ({@link ExerciseTag#FIELD}, which only a replay sets — the normaliser blanks it on
     * every record), or null for production. So a correlation (and a kill chain) only ever combines events of one
     * exercise, or only production events: a drill can neither raise nor complete nor mask a production correlation,
     * and production events cannot complete an exercise's.
     */
    static String correlationPartition(Event e) {
        return ExerciseTag.correlationPartition(e);
    }

    /**
     * The exercise a detection belongs to: for a correlation (or kill chain) firing its partition (all its events are
     * of that exercise, or all are production: {@link #correlationPartition}); otherwise its event's source, or the
     * exercise mark of its event.
     */
    static java.util.UUID exerciseOf(Detection d, IngestedEvent origin) {
        if (d.correlation() != null) {
            String partition = d.correlation().partition();
            if (partition == null || partition.isEmpty()) {
                return null;
            }
            try {
                return java.util.UUID.fromString(partition);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (origin != null) {
            return ExerciseTag.exerciseOf(origin.sourceName());
        }
        return markOf(d.event());
    }

    private static java.util.UUID markOf(Event e) {
        if (e == null || !(e.get(ExerciseTag.FIELD) instanceof String s) || s.length() != 36) {
            return null;
        }
        try {
            return java.util.UUID.fromString(s);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private NewAlert toAlert(
            String ref, Detection d, AlertLevel level, IngestedEvent origin, Instant now, java.util.UUID exercise) {
        Event event = d.event() != null ? d.event() : origin == null ? null : eventOf(origin);
        Map<String, String> matched = new LinkedHashMap<>();
        if (d.matchedFields() != null) {
            d.matchedFields().forEach((k, v) -> matched.put(k, cut(String.valueOf(v), MAX_FIELD_VALUE)));
        }
        Map<String, String> entities = event == null ? Map.of() : EntityExtractor.extract(event);
        if (d.correlation() != null && d.correlation().groupKey() != null) {
            Map<String, String> withGroup = new LinkedHashMap<>(entities);
            d.correlation().groupKey().forEach((k, v) -> withGroup.putIfAbsent(k, v));
            entities = withGroup;
        }
        return new NewAlert(
                ref,
                d.ruleTitle(),
                level,
                d.tags(),
                origin != null
                        ? origin.sourceName()
                        : exercise != null ? ExerciseTag.eventSource(exercise, "correlation") : "correlation",
                origin != null ? origin.application() : event == null ? null : event.getString(APPLICATION_FIELD),
                event == null ? null : event.timestamp(),
                origin == null ? now : origin.receivedAt(),
                entities,
                matched,
                event == null ? "{}" : event.toJson(),
                origin == null || origin.raw() == null ? null : cut(origin.raw(), MAX_RAW),
                d.correlation() == null ? null : correlationJson(d),
                origin == null || d.correlation() != null || !origin.stored() ? null : origin.id());
    }

    private String correlationJson(Detection d) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("groupKey", d.correlation().groupKey());
        c.put("windowStart", String.valueOf(d.correlation().windowStart()));
        c.put("windowEnd", String.valueOf(d.correlation().windowEnd()));
        List<Map<String, String>> contributing = new ArrayList<>();
        if (d.correlation().contributing() != null) {
            for (Detection x : d.correlation().contributing()) {
                if (contributing.size() >= 100) {
                    break;
                }
                Map<String, String> m = new LinkedHashMap<>();
                m.put("rule", active.refOf(x.ruleId()));
                m.put("title", x.ruleTitle());
                m.put("time", String.valueOf(x.timestamp()));
                contributing.add(m);
            }
        }
        c.put("contributing", contributing);
        return json.writeValueAsString(c);
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
