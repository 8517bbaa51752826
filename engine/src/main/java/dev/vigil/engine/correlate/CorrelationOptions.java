package dev.vigil.engine.correlate;

import dev.vigil.engine.event.Event;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How correlation runs. Immutable; {@code with…} methods return modified copies.
 *
 * @param allowance out-of-order allowance: detections are held back until the watermark (maximum event time seen
 *     minus this) passes them, then processed in event-time order. A detection older than the watermark is
 *     <em>late</em>: counted in {@link CorrelationStats#lateDetections()}, reported to the listener, never folded
 *     in. When no detection has arrived for this long in processing time, everything held back is released.
 *     {@link Duration#ZERO} processes in arrival order and treats any step back in time as late.
 * @param maxGroupsPerRule most group states one correlation rule (or kill-chain entity type) keeps; beyond it the
 *     least recently updated group is evicted (counted)
 * @param maxGroups most group states kept in total (all rules); beyond it the least recently updated group of any
 *     rule is evicted (counted)
 * @param maxEntriesPerGroup most detections one group's window keeps for the aggregate types (sum, avg,
 *     percentile, median) and for {@code temporal_ordered} hits; beyond it the oldest are dropped (counted as
 *     truncations). Count-like types keep only what their threshold needs and never truncate.
 * @param maxHeldBack most detections held back for reordering; beyond it the oldest is released early (which may
 *     make later arrivals late)
 * @param maxContributing most contributing detections attached to one firing (the window's most recent ones)
 * @param killChain kill-chain scoring configuration, or null when disabled
 * @param listener observability hooks (default no-op)
 * @param store the state store to use; null for an {@link InMemoryStateStore} with the caps above
 * @param partition the partition of a detection's event, or null for one partition for everything (the default):
 *     see {@link #withPartition(Function)}
 */
public record CorrelationOptions(
        Duration allowance,
        int maxGroupsPerRule,
        int maxGroups,
        int maxEntriesPerGroup,
        int maxHeldBack,
        int maxContributing,
        KillChainConfig killChain,
        CorrelationListener listener,
        Supplier<StateStore> store,
        Function<Event, String> partition) {

    public static final Duration DEFAULT_ALLOWANCE = Duration.ofSeconds(30);

    public CorrelationOptions {
        allowance = allowance == null ? DEFAULT_ALLOWANCE : allowance;
        if (allowance.isNegative()) throw new IllegalArgumentException("allowance must not be negative");
        if (maxGroupsPerRule < 1 || maxGroups < 1 || maxEntriesPerGroup < 1 || maxHeldBack < 1) {
            throw new IllegalArgumentException("correlation caps must be positive");
        }
        if (maxContributing < 0) throw new IllegalArgumentException("maxContributing must not be negative");
        listener = listener == null ? CorrelationListener.NOOP : listener;
    }

    /**
     * 30 s allowance, 100,000 groups per rule, 1,000,000 groups in total, 10,000 entries per group, 1,000,000 held
     * back, 64 contributing detections per firing, no kill chain, in-memory store.
     */
    public static CorrelationOptions defaults() {
        return new CorrelationOptions(
                DEFAULT_ALLOWANCE,
                100_000,
                1_000_000,
                10_000,
                1_000_000,
                64,
                null,
                CorrelationListener.NOOP,
                null,
                null);
    }

    /**
     * For offline scans of files: everything is held back (up to {@link #maxHeldBack()}) and released in event-time
     * order by {@code flush()}, so the order of lines in a file does not matter.
     */
    public static CorrelationOptions offline() {
        return defaults().withAllowance(Duration.ofDays(365L * 1000));
    }

    public CorrelationOptions withAllowance(Duration d) {
        return new CorrelationOptions(
                d,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                killChain,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withCaps(int perRule, int total) {
        return new CorrelationOptions(
                allowance,
                perRule,
                total,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                killChain,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withMaxEntriesPerGroup(int n) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                n,
                maxHeldBack,
                maxContributing,
                killChain,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withMaxHeldBack(int n) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                n,
                maxContributing,
                killChain,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withMaxContributing(int n) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                n,
                killChain,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withKillChain(KillChainConfig k) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                k,
                listener,
                store,
                partition);
    }

    public CorrelationOptions withListener(CorrelationListener l) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                killChain,
                l,
                store,
                partition);
    }

    public CorrelationOptions withStore(Supplier<StateStore> s) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                killChain,
                listener,
                s,
                partition);
    }

    /**
     * Partitions correlation state by a value of each event: a correlation only ever combines detections whose events
     * are in the same partition. The partition is part of every group's key ({@link GroupKey#partition()}, the
     * kill-chain entities' too), and each partition has its own event-time clock — watermark, held-back detections,
     * late detections, idle release — so the events of one partition can neither complete, re-arm nor make late
     * anything in another. Firings carry their partition ({@link CorrelationContext#partition()}); a chained
     * correlation stays in the partition of the firing it consumes.
     *
     * <p>The function is called once per detection offered to correlation (never for events no correlation
     * consumes), on the correlating thread; it must be cheap, must not throw, and should return one of few values
     * (one partition per tenant, per exercise, …). {@code null} and {@code ""} mean the default partition, the only
     * one without the option, which is never forgotten. Another partition whose held-back detections are all
     * released and that received no detection for twice the longer of the allowance and the longest correlation
     * window (processing time) is forgotten with its groups; a later detection of it starts afresh.
     *
     * @param f the partition of an event (the event of the detection offered), or null for one partition
     */
    public CorrelationOptions withPartition(Function<Event, String> f) {
        return new CorrelationOptions(
                allowance,
                maxGroupsPerRule,
                maxGroups,
                maxEntriesPerGroup,
                maxHeldBack,
                maxContributing,
                killChain,
                listener,
                store,
                f);
    }

    /** A new store per these options. */
    StateStore newStore() {
        StateStore s = store == null ? null : store.get();
        return s != null ? s : new InMemoryStateStore(maxGroupsPerRule, maxGroups);
    }
}
