package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Why a correlation rule fired: the group it fired for ({@code group-by} field → value), the event-time window, and
 * the detections that contributed. Attached to the {@link Detection} a correlation rule generates; null on plain
 * detections.
 */
public record CorrelationContext(
        Map<String, String> groupKey, Instant windowStart, Instant windowEnd, List<Detection> contributing) {
    public CorrelationContext {
        groupKey = Map.copyOf(groupKey);
        contributing = List.copyOf(contributing);
    }
}
