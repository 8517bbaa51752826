package dev.vigil.engine;

import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Route;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.engine.correlate.CorrelationPlan;
import dev.vigil.engine.correlate.CorrelationStats;
import dev.vigil.engine.correlate.Correlator;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.engine.index.CandidateIndex;
import dev.vigil.engine.index.Scratch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The detection engine facade: matches batches of events against a compiled {@link RuleSet}.
 *
 * <p>Per event: the pipeline normalises it, routing picks the rules of its logsource (a precomputed partition), each
 * candidate rule's predicate tree is evaluated against the event bound once to the rule set's field ids. Matching
 * is thread-safe (per-thread evaluation contexts) and allocates only for detections. A rule that throws is recorded
 * as a {@link RuleFailure}; the batch continues.
 *
 * <p>{@link #swap} replaces the rule set atomically: a batch in progress finishes with the set it started with.
 *
 * <p>Correlation ({@code dev.vigil.engine.correlate}): when the rule set has correlation rules (or kill-chain
 * scoring is configured), each batch's detections are offered to one {@link Correlator} — serialised, since
 * correlation state is shared — and the result holds the base detections (without those of rules referenced only by
 * correlations with {@code generate: false}) followed by the correlation firings completed during the batch.
 * {@link #tick()} and {@link #flush()} release detections held back for event-time ordering. {@link #matchStaged}
 * and {@link #correlate(Staged)} split the two steps for a caller that may fail between them and retry the batch
 * (storing alerts): the correlation state then only ever sees a batch once, after the caller's part succeeded.
 */
public final class Engine {
    private final EngineOptions options;
    private final AtomicReference<RuleSet> current;
    private final ThreadLocal<PerThread> scratch = new ThreadLocal<>();

    private final LongAdder batches = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder detections = new LongAdder();
    private final LongAdder evaluations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder unrouted = new LongAdder();
    private final LongAdder swaps = new LongAdder();

    private final CorrelationOptions correlationOptions;
    private final Object correlationLock = new Object();
    private Correlator correlator; // guarded by correlationLock

    /** Per-thread state, valid for one rule set. */
    private static final class PerThread {
        final RuleSet ruleSet;
        final EvalContext ctx;
        final Scratch index;
        int[] ruleOf = new int[16];
        /** The last scan's results, handed to the caller and cleared. */
        List<Detection> found;

        List<RuleFailure> errors;
        long evals;
        long unrouted;
        /** The last logsource routed and its route: pipelines reuse logsource instances, so runs of one kind hit. */
        EventLogsource lastLogsource;

        Route lastRoute;

        PerThread(RuleSet rs, boolean memo) {
            this.ruleSet = rs;
            this.ctx = new EvalContext(rs.fields());
            this.index = rs.index().newScratch(memo);
        }
    }

    private Engine(RuleSet rules, EngineOptions options, CorrelationOptions correlation) {
        this.options = options;
        this.current = new AtomicReference<>(rules);
        this.correlationOptions = correlation;
    }

    /** An engine over a rule set (which may be empty; {@link #swap} refuses empty sets). */
    public static Engine create(RuleSet rules, EngineOptions options) {
        return create(rules, options, CorrelationOptions.defaults());
    }

    /** An engine with correlation options (allowance, caps, kill chain, state store). */
    public static Engine create(RuleSet rules, EngineOptions options, CorrelationOptions correlation) {
        if (rules == null) throw new IllegalArgumentException("rule set is null");
        return new Engine(
                rules,
                options == null ? EngineOptions.defaults() : options,
                correlation == null ? CorrelationOptions.defaults() : correlation);
    }

    public EngineOptions options() {
        return options;
    }

    /** The rule set in use. */
    public RuleSet ruleSet() {
        return current.get();
    }

    /**
     * Replaces the rule set atomically.
     *
     * @throws IllegalArgumentException when {@code next} is empty (a broken reload must not disable detection)
     */
    public void swap(RuleSet next) {
        if (next == null || next.isEmpty()) {
            throw new IllegalArgumentException("refusing to swap in an empty rule set");
        }
        RuleSet prev = current.getAndSet(next);
        swaps.increment();
        options.listener().ruleSetSwapped(prev, next);
    }

    /** Matches a batch. Detections come in event order, and within an event in rule order. */
    public MatchResult match(List<Event> batch) {
        long start = System.nanoTime();
        RuleSet rs = current.get();
        PerThread s = scan(rs, batch);
        List<Detection> found = s.found;
        List<RuleFailure> errors = s.errors;
        s.found = null;
        s.errors = null;
        List<RuleFailure> correlationErrors = correlating(rs) ? new ArrayList<>(0) : null;
        found = correlate(rs, found, s.ruleOf, correlationErrors);
        if (correlationErrors != null && !correlationErrors.isEmpty()) {
            if (errors == null) errors = new ArrayList<>();
            errors.addAll(correlationErrors);
        }
        return finish(batch.size(), found, errors, s, start);
    }

    /**
     * Matches a batch like {@link #match} but does not offer its detections to correlation yet: the returned {@link
     * Staged#result()} holds the base detections to report (without those of {@code generate: false} rules) and the
     * rule failures; {@link #correlate(Staged)} then folds the detections into the correlation state, once. A caller
     * that can fail after matching (storing alerts) commits only when that succeeded, so a batch it retries is never
     * counted twice in a correlation window (the server's ingest path).
     */
    public Staged matchStaged(List<Event> batch) {
        long start = System.nanoTime();
        RuleSet rs = current.get();
        PerThread s = scan(rs, batch);
        List<Detection> found = s.found;
        List<RuleFailure> errors = s.errors;
        s.found = null;
        s.errors = null;
        CorrelationPlan plan = rs.correlationPlan();
        boolean correlating = correlating(rs);
        int[] ruleOf = found == null || !correlating ? null : java.util.Arrays.copyOf(s.ruleOf, found.size());
        List<Detection> kept = found == null || plan.isEmpty() ? found : emitted(plan, found, ruleOf, false);
        MatchResult result = finish(batch.size(), kept == null || kept.isEmpty() ? null : kept, errors, s, start);
        return new Staged(rs, correlating ? found : null, ruleOf, result);
    }

    /**
     * Folds a staged batch's detections into the correlation state and returns the firings they (and the clock)
     * completed, with a failure per detection the correlator threw on. Reports the withheld ({@code generate:
     * false}) detections to the listener.
     *
     * @throws IllegalStateException when the batch was already correlated (it would be counted twice)
     */
    public MatchResult correlate(Staged staged) {
        if (staged.correlated) throw new IllegalStateException("this batch was already correlated");
        staged.correlated = true;
        if (!correlating(staged.ruleSet)) return MatchResult.EMPTY;
        List<RuleFailure> errors = new ArrayList<>(0);
        List<Detection> firings = offer(staged.ruleSet, staged.found, staged.ruleOf, errors);
        if (staged.found != null && !staged.ruleSet.correlationPlan().isEmpty()) {
            emitted(staged.ruleSet.correlationPlan(), staged.found, staged.ruleOf, true);
        }
        detections.add(firings.size());
        failures.add(errors.size());
        if (firings.isEmpty() && errors.isEmpty()) return MatchResult.EMPTY;
        return new MatchResult(firings, errors);
    }

    private boolean correlating(RuleSet rs) {
        return !rs.correlationPlan().isEmpty() || correlationOptions.killChain() != null;
    }

    /** A batch matched by {@link #matchStaged} and not yet (or already) correlated. */
    public static final class Staged {
        private final RuleSet ruleSet;
        private final List<Detection> found; // all base detections when correlating, else null
        private final int[] ruleOf;
        private final MatchResult result;
        private boolean correlated;

        private Staged(RuleSet ruleSet, List<Detection> found, int[] ruleOf, MatchResult result) {
            this.ruleSet = ruleSet;
            this.found = found;
            this.ruleOf = ruleOf;
            this.result = result;
        }

        /** The base detections to report (in event order, then rule order) and the rule failures. */
        public MatchResult result() {
            return result;
        }
    }

    /** Counts a matched batch and builds its result. */
    private MatchResult finish(int size, List<Detection> found, List<RuleFailure> errors, PerThread s, long start) {
        long evals = s.evals;
        long unroutedHere = s.unrouted;
        int nd = found == null ? 0 : found.size();
        int nf = errors == null ? 0 : errors.size();
        batches.increment();
        events.add(size);
        detections.add(nd);
        evaluations.add(evals);
        failures.add(nf);
        unrouted.add(unroutedHere);
        options.listener().batchMatched(size, nd, evals, nf, System.nanoTime() - start);
        if (found == null && errors == null) return MatchResult.EMPTY;
        return new MatchResult(found == null ? List.of() : found, errors == null ? List.of() : errors);
    }

    /**
     * The matching pass over a batch (no correlation): leaves the detections, the rule of each ({@code ruleOf}),
     * the failures and the counts in the thread's scratch.
     */
    private PerThread scan(RuleSet rs, List<Event> batch) {
        PerThread s = scratch.get();
        if (s == null || s.ruleSet != rs) {
            s = new PerThread(rs, options.valueMemo());
            scratch.set(s);
        }
        EvalContext ctx = s.ctx;
        List<Detection> found = null;
        List<RuleFailure> errors = null;
        long evals = 0;
        long unroutedHere = 0;
        Route all = rs.router().all();
        boolean routing = options.routing();
        boolean indexed = options.index();
        for (int i = 0, n = batch.size(); i < n; i++) {
            Event e = options.pipeline().apply(batch.get(i));
            ctx.bind(e);
            Route route;
            if (routing) {
                EventLogsource ls = e.logsource();
                if (ls == null || ls.isUnknown()) unroutedHere++;
                if (ls == s.lastLogsource && s.lastRoute != null) {
                    route = s.lastRoute;
                } else {
                    route = rs.router().routeOf(ls);
                    s.lastLogsource = ls;
                    s.lastRoute = route;
                }
            } else {
                route = all;
            }
            int[] candidates;
            int count;
            CandidateIndex proved = null;
            if (indexed) {
                if (options.decide()) proved = rs.index();
                rs.index().collect(ctx, route, s.index);
                count = rs.index().candidates(route, s.index);
                candidates = s.index.candidates();
            } else {
                candidates = route.rules();
                count = candidates.length;
            }
            evals += count;
            for (int c = 0; c < count; c++) {
                CompiledRule rule = rs.rule(candidates[c]);
                try {
                    if (proved == null ? rule.matches(ctx) : matches(proved, rule, ctx)) {
                        if (found == null) found = new ArrayList<>();
                        int k = found.size();
                        found.add(detection(rule, rs, e, i));
                        if (k == s.ruleOf.length) s.ruleOf = java.util.Arrays.copyOf(s.ruleOf, k * 2);
                        s.ruleOf[k] = rule.index();
                    }
                } catch (RuntimeException | StackOverflowError ex) {
                    RuleFailure f = new RuleFailure(rule.info().ref(), i, String.valueOf(ex));
                    if (errors == null) errors = new ArrayList<>();
                    errors.add(f);
                    options.listener().ruleFailed(f);
                }
            }
        }
        s.found = found;
        s.errors = errors;
        s.evals = evals;
        s.unrouted = unroutedHere;
        return s;
    }

    /**
     * Offers a batch's detections to the correlator; returns the detections to report: base detections that are
     * emitted (honouring {@code generate}), then the correlation firings.
     */
    private List<Detection> correlate(RuleSet rs, List<Detection> found, int[] ruleOf, List<RuleFailure> errors) {
        CorrelationPlan plan = rs.correlationPlan();
        if (plan.isEmpty() && correlationOptions.killChain() == null) return found;
        List<Detection> firings = offer(rs, found, ruleOf, errors);
        List<Detection> kept = found == null || plan.isEmpty() ? found : emitted(plan, found, ruleOf, true);
        if (firings.isEmpty()) return kept == null || kept.isEmpty() ? null : kept;
        List<Detection> out = new ArrayList<>((kept == null ? 0 : kept.size()) + firings.size());
        if (kept != null) out.addAll(kept);
        out.addAll(firings);
        return out;
    }

    /**
     * Offers detections to the correlator (serialised) and returns the firings. A detection the correlator throws on
     * is a failure of its rule; the others are still offered.
     */
    private List<Detection> offer(RuleSet rs, List<Detection> found, int[] ruleOf, List<RuleFailure> errors) {
        synchronized (correlationLock) {
            Correlator c = correlatorFor(rs);
            c.beginBatch();
            if (found != null) {
                for (int k = 0, n = found.size(); k < n; k++) {
                    Detection d = found.get(k);
                    try {
                        c.offer(d, ruleOf[k], d.eventIndex());
                    } catch (RuntimeException ex) {
                        RuleFailure f = new RuleFailure(d.ruleId(), d.eventIndex(), "correlation: " + ex);
                        errors.add(f);
                        options.listener().ruleFailed(f);
                    }
                }
            }
            c.tick();
            return c.drain();
        }
    }

    /**
     * The detections of rules that emit (all of {@code found} when every rule does), reporting the others to the
     * listener as withheld when {@code report}.
     */
    private List<Detection> emitted(CorrelationPlan plan, List<Detection> found, int[] ruleOf, boolean report) {
        boolean all = true;
        for (int k = 0, n = found.size(); k < n && all; k++) all = plan.emits(ruleOf[k]);
        if (all) return found;
        List<Detection> kept = new ArrayList<>(found.size());
        for (int k = 0, n = found.size(); k < n; k++) {
            if (plan.emits(ruleOf[k])) kept.add(found.get(k));
            else if (report) options.listener().detectionWithheld(found.get(k));
        }
        return kept;
    }

    /** The correlator for a rule set, rebinding (keeping state of unchanged rules) after a swap. Holds the lock. */
    private Correlator correlatorFor(RuleSet rs) {
        if (correlator == null) {
            correlator = new Correlator(rs.correlationPlan(), rs.rules(), correlationOptions, options.clock());
        } else if (correlator.plan() != rs.correlationPlan()) {
            correlator = correlator.rebind(rs.correlationPlan(), rs.rules());
        }
        return correlator;
    }

    /**
     * Releases correlation detections held back for event-time ordering when the stream has been idle for the
     * allowance (processing time). Call it periodically (e.g. every second) from the server.
     */
    public MatchResult tick() {
        return release(false);
    }

    /** Releases every detection held back for ordering (end of an offline input) and returns the firings. */
    public MatchResult flush() {
        return release(true);
    }

    private MatchResult release(boolean all) {
        RuleSet rs = current.get();
        if (rs.correlationPlan().isEmpty() && correlationOptions.killChain() == null) return MatchResult.EMPTY;
        List<Detection> firings;
        synchronized (correlationLock) {
            Correlator c = correlatorFor(rs);
            c.beginBatch();
            if (all) c.flush();
            else c.tick();
            firings = c.drain();
        }
        detections.add(firings.size());
        return firings.isEmpty() ? MatchResult.EMPTY : new MatchResult(firings, List.of());
    }

    /** Correlation counters (late detections, evictions, firings, groups, watermark). */
    public CorrelationStats correlationStats() {
        synchronized (correlationLock) {
            return correlatorFor(current.get()).stats();
        }
    }

    /** The correlation state as bytes, for the server to persist (see {@code Correlator#snapshot()}). */
    public byte[] correlationSnapshot() {
        synchronized (correlationLock) {
            return correlatorFor(current.get()).snapshot();
        }
    }

    /**
     * Restores correlation state saved by {@link #correlationSnapshot()}; state of rules no longer loaded (or
     * changed) is dropped.
     *
     * @return how many groups and held-back detections were dropped
     */
    public int restoreCorrelation(byte[] snapshot) {
        synchronized (correlationLock) {
            return correlatorFor(current.get()).restore(snapshot);
        }
    }

    /** A candidate rule through what the index proved: decided, its residual tree, or the full tree. */
    private static boolean matches(CandidateIndex index, CompiledRule rule, EvalContext ctx) {
        int r = rule.index();
        if (index.decides(r)) return true;
        dev.vigil.engine.compile.Node residual = index.residual(r);
        return residual != null ? residual.eval(ctx) : rule.matches(ctx);
    }

    private static Detection detection(CompiledRule rule, RuleSet rs, Event e, int index) {
        RuleInfo info = rule.info();
        return new Detection(
                info.ref(),
                info.title(),
                info.level(),
                info.status(),
                info.tags(),
                new dev.vigil.engine.compile.MatchedFields(rule, rs.fields(), e),
                e,
                index,
                null);
    }

    /** Counters since creation. */
    public EngineStats stats() {
        return new EngineStats(
                batches.sum(),
                events.sum(),
                detections.sum(),
                evaluations.sum(),
                failures.sum(),
                unrouted.sum(),
                current.get().size(),
                swaps.sum());
    }
}
