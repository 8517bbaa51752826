package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.correlate.GroupState.Hit;
import dev.vigil.engine.event.Event;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Runs a {@link CorrelationPlan} (and optionally kill-chain scoring) over a stream of detections. Single writer: one
 * thread at a time (the {@code Engine} serialises calls). Deterministic: the same detections offered in the same
 * order, with the same clock readings, give the same firings, however they are split into batches.
 *
 * <h2>Time</h2>
 *
 * Event time is {@link Detection#timestamp()}; a detection without one gets the injected clock's reading
 * (processing time), counted in {@link CorrelationStats#processingTimeFallbacks()}. Detections are held back in a
 * priority queue ordered by (event time, arrival) until the <em>watermark</em> — maximum event time seen minus the
 * {@linkplain CorrelationOptions#allowance() allowance} — passes them, then processed strictly in that order. A
 * detection older than the watermark is late: counted, reported to the listener, not folded in. {@link #tick()}
 * releases everything held back once no detection has arrived for the allowance (processing time); {@link #flush()}
 * releases everything (end of an offline input).
 *
 * <h2>Windows and firing</h2>
 *
 * Sliding windows in event time, inclusive: a detection at {@code t} is evaluated over the group's detections in
 * {@code [t − timespan, t]} (two detections exactly {@code timespan} apart share a window). A group fires when the
 * condition holds over that window <em>and</em> it has not fired within the preceding timespan: after a firing at
 * {@code f} the group cannot fire again before a detection later than {@code f + timespan}. So a saturated window
 * does not re-fire on every further detection (rsigma's default alerts on every one; its {@code reset} action
 * re-arms immediately), windows of consecutive firings never share a detection, and a sustained burst fires about
 * once per timespan. A firing is a {@link Detection} of the correlation rule with a {@link CorrelationContext}
 * (group key, window, aggregate, contributing detections); chained correlations receive it at the same event time.
 *
 * <h2>Partitions</h2>
 *
 * With a {@linkplain CorrelationOptions#withPartition partition function}, every detection belongs to the partition
 * of its event: groups are keyed by partition as well ({@link GroupKey#partition()}), and each partition has its own
 * watermark, held-back queue and idle release, so a correlation only ever combines detections of one partition and
 * one partition's event times never make another's detections late. Without one, everything is in the default
 * partition {@code ""} and nothing of this costs anything.
 *
 * <h2>State</h2>
 *
 * Group states live in a {@link StateStore} keyed by rule and group; groups idle for a whole window are expired, and
 * caps evict the least recently updated group (counted). {@link #snapshot()} / {@link #restore(byte[])} carry the
 * whole state (groups, held-back detections, watermark) across restarts.
 */
public final class Correlator {
    private static final int SWEEP_EVERY = 4096;

    private final CorrelationPlan plan;
    private final CorrelationOptions options;
    private final InstantSource clock;
    private final StateStore store;
    private final KillChainScorer killChain;
    private final boolean[] baseKillChain;
    private final long allowance;
    private final int maxEntries;
    private final Function<Event, String> partitioner;
    /** The default partition ({@code ""}); the only one without a partition function. */
    private final Partition main = new Partition("");
    /** The other partitions by name, in creation order. */
    private final Map<String, Partition> others = new java.util.LinkedHashMap<>();
    /** Processing time after which an idle non-default partition with nothing held back is forgotten. */
    private final long retention;

    private List<Detection> out = new ArrayList<>();
    private double[] scratch = new double[64];

    private long seq;
    private long batch;
    private long sinceSweep;

    private long offered;
    private long processed;
    private long late;
    private long fallbacks;
    private long missingGroupBy;
    private long missingValue;
    private long truncations;
    private long evictions;
    private long expired;
    private long firings;
    private long killChainFirings;

    /** A detection waiting for (or in) processing: its node, event time, arrival, batch position and partition. */
    record Item(Detection detection, int node, long time, long seq, long batch, int batchIndex, Partition partition) {}

    /** One partition's event-time clock (watermark) and held-back detections. */
    static final class Partition {
        final String name;
        final HoldBack held = new HoldBack();
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        long lastArrival = Long.MIN_VALUE;
        /** Event time of the last detection processed (the horizon for sweeping idle groups). */
        long lastProcessed = Long.MIN_VALUE;

        Partition(String name) {
            this.name = name;
        }
    }

    private static int compare(Item a, Item b) {
        int c = Long.compare(a.time, b.time);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    /**
     * Detections held back, in (event time, arrival) order: a FIFO for the common in-order arrivals and a priority
     * queue only for those that arrive out of order, so an ordered stream costs no heap operations.
     */
    static final class HoldBack {
        private final java.util.ArrayDeque<Item> inOrder = new java.util.ArrayDeque<>();
        private final PriorityQueue<Item> reordered = new PriorityQueue<>(Correlator::compare);

        void add(Item i) {
            Item last = inOrder.peekLast();
            if (last == null || compare(last, i) <= 0) inOrder.addLast(i);
            else reordered.add(i);
        }

        Item peek() {
            Item a = inOrder.peekFirst();
            Item b = reordered.peek();
            if (a == null) return b;
            if (b == null) return a;
            return compare(a, b) <= 0 ? a : b;
        }

        Item poll() {
            Item a = inOrder.peekFirst();
            Item b = reordered.peek();
            if (b == null || (a != null && compare(a, b) <= 0)) return inOrder.pollFirst();
            return reordered.poll();
        }

        boolean isEmpty() {
            return inOrder.isEmpty() && reordered.isEmpty();
        }

        int size() {
            return inOrder.size() + reordered.size();
        }

        void clear() {
            inOrder.clear();
            reordered.clear();
        }

        List<Item> items() {
            List<Item> all = new ArrayList<>(size());
            all.addAll(inOrder);
            all.addAll(reordered);
            all.sort(Correlator::compare);
            return all;
        }
    }

    /**
     * A correlator for a plan.
     *
     * @param base the base rules of the rule set, index {@code i} = rule index {@code i} (for kill-chain relevance)
     * @param clock processing time (fallback event time, idle release); never the system clock in tests
     */
    public Correlator(CorrelationPlan plan, List<RuleInfo> base, CorrelationOptions options, InstantSource clock) {
        this(plan, base, options, clock, options.newStore());
    }

    private Correlator(
            CorrelationPlan plan,
            List<RuleInfo> base,
            CorrelationOptions options,
            InstantSource clock,
            StateStore store) {
        this.plan = plan;
        this.options = options;
        this.clock = clock;
        this.store = store;
        this.killChain = options.killChain() == null ? null : new KillChainScorer(options.killChain());
        this.baseKillChain = new boolean[base.size()];
        if (killChain != null) {
            for (int i = 0; i < base.size(); i++) {
                RuleInfo r = base.get(i);
                int mask = 0;
                for (String tag : r.tags()) {
                    Tactic t = Tactic.fromTag(tag);
                    if (t != null) mask |= 1 << t.ordinal();
                }
                baseKillChain[i] = mask != 0 || options.killChain().weight(r.level()) > 0;
            }
        }
        long a;
        try {
            a = options.allowance().toMillis();
        } catch (ArithmeticException e) {
            a = Long.MAX_VALUE / 4;
        }
        this.allowance = Math.min(a, Long.MAX_VALUE / 4);
        this.maxEntries = options.maxEntriesPerGroup();
        this.partitioner = options.partition();
        long span = allowance;
        for (CompiledCorrelation c : plan.correlations)
            span = Math.max(span, Math.min(c.spanMillis, Long.MAX_VALUE / 4));
        if (killChain != null) span = Math.max(span, Math.min(killChain.windowMillis(), Long.MAX_VALUE / 4));
        this.retention = 2 * span;
    }

    public CorrelationPlan plan() {
        return plan;
    }

    public CorrelationOptions options() {
        return options;
    }

    /** Whether anything is to be done at all (correlation rules or kill chain). */
    public boolean active() {
        return !plan.isEmpty() || killChain != null;
    }

    /** Whether detections of base rule {@code ruleIndex} are offered to this correlator. */
    public boolean wants(int ruleIndex) {
        return plan.consumes(ruleIndex) || (ruleIndex < baseKillChain.length && baseKillChain[ruleIndex]);
    }

    /** Starts a new batch: firings completed by detections of this batch carry their batch position. */
    public void beginBatch() {
        batch++;
    }

    /** Offers a detection by its rule id (base or correlation rule); ignored when nothing consumes it. */
    public void offer(Detection d) {
        Integer node = plan.nodeByRuleId.get(d.ruleId());
        if (node == null) {
            if (killChain != null && killChain.relevant(d)) offerNode(d, -1, d.eventIndex());
            return;
        }
        if (node < plan.baseCount) offer(d, node, d.eventIndex());
    }

    /** Offers a detection of base rule {@code ruleIndex} found at {@code batchIndex} of the current batch. */
    public void offer(Detection d, int ruleIndex, int batchIndex) {
        if (!wants(ruleIndex)) return;
        offerNode(d, ruleIndex, batchIndex);
    }

    private void offerNode(Detection d, int node, int batchIndex) {
        offered++;
        Partition p = partitioner == null ? main : partitionOf(d);
        long now = clock.millis();
        long t = eventTime(d, now);
        p.lastArrival = now;
        if (t < p.watermark) {
            late++;
            options.listener().late(d, Instant.ofEpochMilli(t), Instant.ofEpochMilli(p.watermark));
            return;
        }
        if (t > p.maxSeen) p.maxSeen = t;
        Item item = new Item(d, node, t, seq++, batch, batchIndex, p);
        long w = p.maxSeen - allowance;
        if (w > p.watermark) p.watermark = w;
        if (p.held.isEmpty() && t <= p.watermark) {
            process(item);
            return;
        }
        p.held.add(item);
        if (heldCount() > options.maxHeldBack()) {
            // over the cap (all partitions together): the partition holding the most releases its oldest early
            Partition victim = p;
            if (!others.isEmpty()) {
                if (main.held.size() > victim.held.size()) victim = main;
                for (Partition o : others.values()) if (o.held.size() > victim.held.size()) victim = o;
            }
            Item first = victim.held.peek();
            if (first.time > victim.watermark) victim.watermark = first.time;
            if (victim != p) release(victim);
        }
        release(p);
    }

    /** The partition of a detection (a firing's own partition, else the partition function's value for its event). */
    private Partition partitionOf(Detection d) {
        if (d.correlation() != null) return partition(d.correlation().partition());
        Event e = d.event();
        return partition(e == null ? null : partitioner.apply(e));
    }

    /** The partition of a name, created when new; null and {@code ""} are the default partition. */
    Partition partition(String name) {
        if (name == null || name.isEmpty()) return main;
        Partition p = others.get(name);
        if (p == null) {
            p = new Partition(name);
            others.put(name, p);
        }
        return p;
    }

    private int heldCount() {
        int n = main.held.size();
        if (!others.isEmpty()) for (Partition o : others.values()) n += o.held.size();
        return n;
    }

    private long eventTime(Detection d, long now) {
        Instant ts = d.timestamp();
        if (ts != null) {
            try {
                long t = ts.toEpochMilli();
                if (t > -Long.MAX_VALUE / 4 && t < Long.MAX_VALUE / 4) return t;
            } catch (ArithmeticException e) {
                // beyond the representable range: fall back to processing time
            }
        }
        fallbacks++;
        return now;
    }

    private void release(Partition p) {
        HoldBack held = p.held;
        while (!held.isEmpty() && held.peek().time <= p.watermark) process(held.poll());
    }

    /**
     * Releases everything held back when no detection has arrived for the allowance (processing time), so firings
     * are not delayed indefinitely when a stream pauses; per partition. Forgets idle partitions other than the
     * default one (see {@link CorrelationOptions#withPartition}). Cheap; call it after every batch and from a timer.
     */
    public void tick() {
        tick(main);
        if (others.isEmpty()) return;
        long now = clock.millis();
        for (Iterator<Partition> it = others.values().iterator(); it.hasNext(); ) {
            Partition p = it.next();
            tick(p);
            if (p.held.isEmpty() && (p.lastArrival == Long.MIN_VALUE || now - p.lastArrival >= retention)) {
                it.remove();
                forget(p);
            }
        }
    }

    private void tick(Partition p) {
        if (p.held.isEmpty() || p.lastArrival == Long.MIN_VALUE) return;
        if (clock.millis() - p.lastArrival >= allowance) {
            if (p.maxSeen > p.watermark) p.watermark = p.maxSeen;
            release(p);
        }
    }

    /** Removes the groups of a forgotten partition (counted as expired). */
    private void forget(Partition p) {
        List<StateKey> gone = new ArrayList<>();
        store.forEach((k, v) -> {
            if (k.group().partition().equals(p.name)) gone.add(k);
        });
        for (StateKey k : gone) store.remove(k);
        expired += gone.size();
    }

    /** Releases and processes everything held back (end of input). Later detections older than it are late. */
    public void flush() {
        flush(main);
        for (Partition p : others.values()) flush(p);
    }

    private void flush(Partition p) {
        if (p.maxSeen > p.watermark) p.watermark = p.maxSeen;
        release(p);
    }

    /** The firings produced since the last call, in firing order. */
    public List<Detection> drain() {
        if (out.isEmpty()) return List.of();
        List<Detection> r = out;
        out = new ArrayList<>();
        return r;
    }

    public CorrelationStats stats() {
        return new CorrelationStats(
                offered,
                processed,
                late,
                heldCount(),
                fallbacks,
                missingGroupBy,
                missingValue,
                truncations,
                evictions,
                expired,
                firings,
                killChainFirings,
                store.size(),
                watermarkOf(main),
                clocks());
    }

    private static Instant watermarkOf(Partition p) {
        return p.watermark == Long.MIN_VALUE ? null : Instant.ofEpochMilli(p.watermark);
    }

    /** The clock of every partition kept, the default one first. */
    private List<CorrelationStats.PartitionClock> clocks() {
        List<CorrelationStats.PartitionClock> all = new ArrayList<>(1 + others.size());
        for (Partition p : partitions()) {
            all.add(new CorrelationStats.PartitionClock(p.name, watermarkOf(p), p.held.size()));
        }
        return all;
    }

    /** The state store (for inspection and tests). */
    public StateStore store() {
        return store;
    }

    // ---------------------------------------------------------------- processing, in event-time order

    private void process(Item item) {
        processed++;
        item.partition.lastProcessed = item.time;
        if (item.node >= 0 && item.node < plan.consumers.length) {
            int[] cons = plan.consumers[item.node];
            feedAll(cons, item);
        }
        if (killChain != null && (item.node < 0 || (item.node < baseKillChain.length && baseKillChain[item.node]))) {
            feedKillChain(item);
        }
        if (++sinceSweep >= SWEEP_EVERY) {
            sinceSweep = 0;
            sweep(others.isEmpty() ? item.time : horizon());
        }
    }

    private void feedKillChain(Item item) {
        killChain.accept(
                item.detection,
                item.partition.name,
                item.time,
                item.seq,
                store,
                new KillChainScorer.Sink() {
                    @Override
                    public void evicted(StateKey key) {
                        onEvicted(key);
                    }

                    @Override
                    public void truncated(String rule, Map<String, String> group) {
                        truncations++;
                        options.listener().truncated(rule, group);
                    }

                    @Override
                    public void fired(Detection firing, Detection trigger) {
                        killChainFirings++;
                        emit(withIndex(firing, item));
                    }
                },
                options.maxContributing());
    }

    /**
     * The event time up to which every partition has processed (groups idle before it minus their window are idle in
     * every partition's time): the earliest of the partitions' last processed event times.
     */
    private long horizon() {
        long h = main.lastProcessed == Long.MIN_VALUE ? Long.MAX_VALUE : main.lastProcessed;
        for (Partition p : others.values()) if (p.lastProcessed != Long.MIN_VALUE) h = Math.min(h, p.lastProcessed);
        return h;
    }

    /** Removes groups idle for longer than their window. */
    private void sweep(long now) {
        for (CompiledCorrelation c : plan.correlations) {
            expired += store.expire(c.stateKey, now - c.spanMillis);
        }
        if (killChain != null) {
            for (String k : killChain.stateKeys()) expired += store.expire(k, now - killChain.windowMillis());
        }
    }

    /** Marks "a group-by field is missing" in the per-detection key cache. */
    private static final GroupKey MISSING = GroupKey.of("\u0000missing");

    /**
     * Feeds one detection to its consumers, computing its group key once per distinct group-by field list (the plan
     * shares the arrays of equal lists, so identity finds them).
     */
    private void feedAll(int[] cons, Item item) {
        String[] f0 = null;
        String[] f1 = null;
        GroupKey k0 = null;
        GroupKey k1 = null;
        for (int k = 0; k < cons.length; k += 2) {
            CompiledCorrelation c = plan.correlations.get(cons[k]);
            int pos = cons[k + 1];
            String[] fields = c.groupFields[pos];
            GroupKey gk;
            if (fields == f0) gk = k0;
            else if (fields == f1) gk = k1;
            else {
                gk = c.groupKey(pos, item.detection);
                if (gk == null) gk = MISSING;
                else if (item.partition != main) gk = gk.inPartition(item.partition.name);
                if (f0 == null) {
                    f0 = fields;
                    k0 = gk;
                } else {
                    f1 = fields;
                    k1 = gk;
                }
            }
            feed(c, pos, item, gk == MISSING ? null : gk);
        }
    }

    private void feed(CompiledCorrelation c, int pos, Item item) {
        GroupKey gk = c.groupKey(pos, item.detection);
        if (gk != null && item.partition != main) gk = gk.inPartition(item.partition.name);
        feed(c, pos, item, gk);
    }

    private void feed(CompiledCorrelation c, int pos, Item item, GroupKey gk) {
        Detection d = item.detection;
        if (gk == null) {
            missingGroupBy++;
            return;
        }
        long t = item.time;
        StateKey key = new StateKey(c.stateKey, gk);
        GroupState st = store.get(key);
        boolean created = st == null;
        long from = t - c.spanMillis;
        double value;
        List<Hit> contributing = null;
        boolean truncated = false;
        switch (c.type) {
            case EVENT_COUNT -> {
                GroupState.Count s = created ? new GroupState.Count() : (GroupState.Count) st;
                s.expire(from);
                int keep = (int) Math.min(c.keep, maxEntries);
                s.add(new Hit(t, item.seq, d, 0), keep);
                truncated = keep < c.keep && s.held() == keep;
                value = s.held();
                st = s;
            }
            case VALUE_COUNT -> {
                String v = c.distinctValue(pos, d);
                if (v == null) {
                    missingValue++;
                    if (created) return;
                    st.expire(from);
                    store.put(key, st);
                    return;
                }
                GroupState.Distinct s = created ? new GroupState.Distinct() : (GroupState.Distinct) st;
                s.expire(from);
                int keep = (int) Math.min(c.keep, maxEntries);
                s.add(v, new Hit(t, item.seq, d, 0), keep);
                truncated = keep < c.keep && s.held() == keep;
                value = s.held();
                st = s;
            }
            case TEMPORAL, TEMPORAL_ORDERED -> {
                boolean ordered = c.type == CorrelationType.TEMPORAL_ORDERED;
                GroupState.Temporal s = created ? new GroupState.Temporal(c.sources.length) : (GroupState.Temporal) st;
                s.expire(from);
                truncated = s.add(pos, new Hit(t, item.seq, d, 0), ordered, maxEntries);
                if (ordered) {
                    contributing = s.longestOrderedChain();
                    value = contributing.size();
                } else {
                    value = s.distinctRules();
                }
                st = s;
            }
            default -> {
                double x = c.numericValue(pos, d);
                if (Double.isNaN(x)) {
                    missingValue++;
                    if (created) return;
                    st.expire(from);
                    store.put(key, st);
                    return;
                }
                GroupState.Numeric s = created ? new GroupState.Numeric() : (GroupState.Numeric) st;
                s.expire(from);
                truncated = s.add(new Hit(t, item.seq, d, x), maxEntries);
                value = aggregate(c, s);
                st = s;
            }
        }
        if (truncated) {
            truncations++;
            options.listener().truncated(c.ref, c.groupMap(gk));
        }
        boolean fire = c.conditionHolds(value) && (st.lastFired == Long.MIN_VALUE || t - st.lastFired > c.spanMillis);
        if (fire) st.lastFired = t;
        StateKey evicted = store.put(key, st);
        if (evicted != null) onEvicted(evicted);
        if (fire) {
            if (contributing == null) contributing = st.hits();
            fired(c, gk, value, contributing, item);
        }
    }

    private double aggregate(CompiledCorrelation c, GroupState.Numeric s) {
        int n = s.held();
        return switch (c.type) {
            case VALUE_SUM -> s.sum();
            case VALUE_AVG -> s.sum() / n;
            default -> {
                if (scratch.length < n) scratch = new double[Math.max(n, scratch.length * 2)];
                yield s.percentile(c.percentile, scratch);
            }
        };
    }

    private void onEvicted(StateKey key) {
        evictions++;
        options.listener().evicted(key.rule(), Map.of("group", key.group().toString()));
    }

    private void fired(CompiledCorrelation c, GroupKey gk, double value, List<Hit> hits, Item item) {
        Map<String, String> group = c.groupMap(gk);
        int total = hits.size();
        int max = options.maxContributing();
        List<Detection> contributing = new ArrayList<>(Math.min(total, max));
        for (int i = Math.max(0, total - max); i < total; i++)
            contributing.add(hits.get(i).detection());
        StringBuilder why = new StringBuilder(96);
        why.append(c.type.yamlName());
        if (c.valueFields.length > 0 && c.valueFields[0].length > 0) {
            why.append('(').append(String.join(",", c.valueFields[0])).append(')');
        }
        if (c.type == CorrelationType.VALUE_PERCENTILE) why.append(" p").append(CompiledCorrelation.num(c.percentile));
        why.append(" = ")
                .append(CompiledCorrelation.num(value))
                .append(" (")
                .append(c.conditionText())
                .append(")");
        why.append(" within ").append(c.rule.timespan());
        if (!group.isEmpty()) why.append(" for ").append(group);
        why.append(" over ")
                .append(total)
                .append(" detection")
                .append(total == 1 ? "" : "s")
                .append(" of ");
        why.append(String.join(", ", c.sourceRefs));
        CorrelationContext ctx = new CorrelationContext(
                c.type.yamlName(),
                group,
                Instant.ofEpochMilli(total == 0 ? item.time : hits.get(0).time()),
                Instant.ofEpochMilli(item.time),
                value,
                contributing,
                total,
                List.of(),
                why.toString(),
                item.partition.name);
        Detection d = new Detection(
                c.ref,
                c.rule.title(),
                c.rule.level(),
                c.rule.status(),
                c.rule.tags(),
                new java.util.LinkedHashMap<String, Object>(group),
                item.detection.event(),
                item.batch == batch ? item.batchIndex : -1,
                ctx);
        int node = plan.baseCount + c.index;
        if (c.emit) {
            firings++;
            emit(d);
            if (killChain != null && killChain.relevant(d))
                feedKillChain(new Item(d, -2, item.time, seq++, item.batch, item.batchIndex, item.partition));
        }
        if (plan.consumers[node].length > 0) {
            Item chained = new Item(d, node, item.time, seq++, item.batch, item.batchIndex, item.partition);
            int[] cons = plan.consumers[node];
            for (int k = 0; k < cons.length; k += 2) feed(plan.correlations.get(cons[k]), cons[k + 1], chained);
        }
    }

    private Detection withIndex(Detection firing, Item item) {
        int idx = item.batch == batch ? item.batchIndex : -1;
        if (idx == firing.eventIndex()) return firing;
        return new Detection(
                firing.ruleId(),
                firing.ruleTitle(),
                firing.level(),
                firing.status(),
                firing.tags(),
                firing.matchedFields(),
                firing.event(),
                idx,
                firing.correlation());
    }

    private void emit(Detection d) {
        out.add(d);
        options.listener().fired(d);
    }

    // ---------------------------------------------------------------- snapshot, restore, reload

    /** The whole correlation state as bytes (versioned; see {@link StateCodec}), to persist across restarts. */
    public byte[] snapshot() {
        return StateCodec.snapshot(this);
    }

    /**
     * Replaces the state with a snapshot. Groups of rules that are no longer loaded, or whose definition changed,
     * and held-back detections of unknown rules are dropped.
     *
     * @return how many groups and held-back detections were dropped
     * @throws IllegalArgumentException when the bytes are not a correlation snapshot
     */
    public int restore(byte[] snapshot) {
        return StateCodec.restore(this, snapshot);
    }

    /**
     * A correlator for a new plan (hot reload) that keeps this one's state where it still applies: groups of
     * unchanged rules (same id and definition), held-back detections of rules still loaded, the watermark.
     */
    public Correlator rebind(CorrelationPlan next, List<RuleInfo> base) {
        Correlator c = new Correlator(next, base, options, clock, store);
        java.util.Set<String> keep = c.stateKeys();
        java.util.Set<String> present = new java.util.HashSet<>();
        store.forEach((k, v) -> present.add(k.rule()));
        for (String r : present) if (!keep.contains(r)) store.removeRule(r);
        c.seq = seq;
        for (Partition p : partitions()) {
            Partition q = c.partition(p.name);
            q.maxSeen = p.maxSeen;
            q.watermark = p.watermark;
            q.lastArrival = p.lastArrival;
            q.lastProcessed = p.lastProcessed;
            for (Item i : p.held.items()) {
                Integer node = c.plan.nodeByRuleId.get(i.detection.ruleId());
                if (node != null && node < c.plan.baseCount && c.wants(node)) {
                    q.held.add(new Item(i.detection, node, i.time, i.seq, i.batch, i.batchIndex, q));
                }
            }
        }
        return c;
    }

    /** The default partition, then the others in creation order. */
    List<Partition> partitions() {
        List<Partition> all = new ArrayList<>(1 + others.size());
        all.add(main);
        all.addAll(others.values());
        return all;
    }

    /** Whether a partition function is configured. */
    boolean partitioned() {
        return partitioner != null;
    }

    /** The partition a held-back detection restored from an unpartitioned (version 1) snapshot belongs to. */
    String partitionName(Detection d) {
        return partitioner == null ? "" : partitionOf(d).name;
    }

    java.util.Set<String> stateKeys() {
        java.util.Set<String> s = new java.util.HashSet<>();
        for (CompiledCorrelation c : plan.correlations) s.add(c.stateKey);
        if (killChain != null) s.addAll(List.of(killChain.stateKeys()));
        return s;
    }

    // accessors for StateCodec
    long seq() {
        return seq;
    }

    void seq(long s) {
        seq = s;
    }

    void clearForRestore() {
        main.held.clear();
        main.maxSeen = main.watermark = main.lastArrival = main.lastProcessed = Long.MIN_VALUE;
        others.clear();
        store.clear();
        out = new ArrayList<>();
    }

    void restoreHeld(Detection d, long time, long s, String partition) {
        Partition p = partition(partition);
        if (p != main) {
            // a partition known only from its held-back detections (a version 1 snapshot): the shared clock's arrival
            if (time > p.maxSeen) p.maxSeen = time;
            if (p.lastArrival == Long.MIN_VALUE) p.lastArrival = main.lastArrival;
        }
        Integer node = plan.nodeByRuleId.get(d.ruleId());
        if (node == null || node >= plan.baseCount) {
            if (killChain != null && killChain.relevant(d)) p.held.add(new Item(d, -1, time, s, -1, -1, p));
            return;
        }
        p.held.add(new Item(d, node, time, s, -1, -1, p));
    }

    boolean knowsRule(String ruleId) {
        Integer node = plan.nodeByRuleId.get(ruleId);
        return (node != null && node < plan.baseCount) || killChain != null;
    }
}
