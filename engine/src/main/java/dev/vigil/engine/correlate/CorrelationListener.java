package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;

/**
 * Observability hooks of correlation (Micrometer counters in the server). Called on the correlating thread; must be
 * cheap. Every method has a no-op default.
 */
public interface CorrelationListener {
    CorrelationListener NOOP = new CorrelationListener() {};

    /** A detection arrived older than the watermark and was not folded into any window. */
    default void late(Detection detection, java.time.Instant eventTime, java.time.Instant watermark) {}

    /** A group's state was evicted to honour a cap ({@code rule} is the correlation rule or kill-chain entity). */
    default void evicted(String rule, java.util.Map<String, String> groupKey) {}

    /** A correlation rule or the kill-chain scorer fired. */
    default void fired(Detection firing) {}

    /** A window dropped in-window entries to honour {@code maxEntriesPerGroup}: its aggregate is approximate. */
    default void truncated(String rule, java.util.Map<String, String> groupKey) {}
}
