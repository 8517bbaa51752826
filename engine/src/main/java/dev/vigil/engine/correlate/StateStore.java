package dev.vigil.engine.correlate;

import java.util.function.BiConsumer;

/**
 * Where correlation keeps per-group window state: the SPI a persistent or distributed store implements (the
 * in-memory {@link InMemoryStateStore} is the default; a Kafka Streams adapter would wrap a {@code KeyValueStore}
 * and serialise values with {@link StateCodec}).
 *
 * <p>Contract (checked by the SPI contract tests): the correlator is the only writer and calls from one thread at a
 * time. It reads a state with {@link #get}, mutates it, and always writes it back with {@link #put} — a store that
 * serialises must not rely on in-place mutation. {@code put} makes the key the most recently used; when a cap is
 * exceeded the store evicts the least recently used group (of the same rule when the per-rule cap is hit, of any
 * rule for the global cap) and returns its key. {@link #forEach} visits groups least recently used first, so a
 * snapshot restored by {@code put} in visiting order reproduces the eviction order.
 */
public interface StateStore {

    /** The state of a group, or null. Does not change recency. */
    GroupState get(StateKey key);

    /**
     * Stores a group's state and makes it the most recently used.
     *
     * @return the key of a group evicted to honour a cap, or null (at most one per call)
     */
    StateKey put(StateKey key, GroupState state);

    /** Removes a group; no-op when absent. */
    void remove(StateKey key);

    /**
     * Removes the groups of {@code rule} whose last activity ({@link GroupState#lastTime()}) is before {@code
     * beforeMillis}, starting from the least recently used and stopping at the first group that is not expired.
     *
     * @return how many groups were removed
     */
    int expire(String rule, long beforeMillis);

    /** Removes every group of {@code rule} (a rule that was removed or changed on reload). */
    int removeRule(String rule);

    /** Number of groups in total. */
    int size();

    /** Number of groups of one rule. */
    int size(String rule);

    /** Visits every group, least recently used first. */
    void forEach(BiConsumer<StateKey, GroupState> visitor);

    /** Removes everything. */
    void clear();
}
