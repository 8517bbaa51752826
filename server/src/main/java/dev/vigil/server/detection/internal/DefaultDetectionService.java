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
 */
@Service
class DefaultDetectionService implements DetectionService {
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
            DetectionProperties properties) {
        this.active = active;
        this.alerts = alerts;
        this.stats = stats;
        this.metrics = metrics;
        this.clock = clock;
        this.json = json;
        this.minLevel = AlertLevel.parse(properties.minAlertLevel());
        this.budgetPerMinute = properties.maxAlertsPerRulePerMinute();
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
        handle(engine.match(events), batch, start);
    }

    /**
     * Ticks the engine's correlation (see {@link CorrelationDriver}): firings released because the stream went idle
     * are raised like any other detection.
     */
    void tick() {
        Engine engine = active.engine();
        if (engine == null) {
            return;
        }
        long start = System.nanoTime();
        MatchResult result = engine.tick();
        if (!result.detections().isEmpty()) {
            handle(result, List.of(), start);
        }
    }

    private void handle(MatchResult result, List<IngestedEvent> batch, long start) {
        Instant now = clock.instant();
        long nowMinute = now.getEpochSecond() / 60;
        for (RuleFailure f : result.errors()) {
            stats.failed(active.refOf(f.ruleId()), f.message(), now);
        }
        List<NewAlert> raise = new ArrayList<>();
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
                if (level.compareTo(minLevel) >= 0
                        && budgets.computeIfAbsent(ref + '\u001f' + exercise, k -> new Budget())
                                .take(nowMinute, budgetPerMinute)) {
                    raise.add(toAlert(ref, d, level, origin, now, exercise));
                } else {
                    suppressed++;
                }
                continue;
            }
            stats.matched(ref, now);
            if (level.compareTo(minLevel) < 0
                    || !budgets.computeIfAbsent(ref, k -> new Budget()).take(nowMinute, budgetPerMinute)) {
                stats.suppressed(ref);
                suppressed++;
                continue;
            }
            raise.add(toAlert(ref, d, level, origin, now, null));
        }
        if (!raise.isEmpty()) {
            alerts.raise(raise);
        }
        metrics.batch(
                batch.size(),
                result.detections().size(),
                raise.size(),
                suppressed,
                result.errors().size(),
                System.nanoTime() - start);
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
        java.util.UUID exercise = markOf(e);
        return exercise == null ? null : exercise.toString();
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
