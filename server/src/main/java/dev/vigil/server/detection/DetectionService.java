package dev.vigil.server.detection;

import dev.vigil.server.normalize.IngestedEvent;
import java.util.List;

/**
 * The hot path from intake to alerts. Thread-safe: intake worker threads call {@link #process} concurrently with
 * batches; each call matches the batch against the current compiled rule set (a reload swaps it atomically between
 * batches, never within one), raises alerts for the detections and returns when they are stored. A failing rule is
 * counted against that rule and never aborts the batch; an exception escaping this method (database down, or an alert
 * the store refuses) means the alerts of the batch were not stored <em>and the batch left no trace in the correlation
 * windows, rule statistics or alert budgets</em>, so it may be retried (whole or in parts) without being counted
 * twice. Once the base alerts are stored the batch is committed to correlation and this method does not throw.
 */
public interface DetectionService {
    void process(List<IngestedEvent> events);
}
