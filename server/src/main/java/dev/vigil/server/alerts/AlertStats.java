package dev.vigil.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alert counts over a time range (dashboard): per hour (every hour of the range, zero-filled, oldest first) and per
 * level.
 */
public record AlertStats(Instant from, Instant to, List<HourCount> perHour, Map<AlertLevel, Long> byLevel, long total) {
    public record HourCount(Instant hour, long count) {}
}
