package dev.vigil.server.detection;

import java.time.Instant;
import java.util.UUID;

/**
 * The event-time clock of one partition of the correlation state: production, or one exercise (replayed events
 * correlate only within their exercise, each with a clock of its own — see docs/correlation.md).
 *
 * @param exercise the exercise of the partition, or null for production
 * @param watermark the partition's watermark (its latest event time minus the correlation allowance): detections
 *     older than it are late; null before the partition's first detection
 * @param heldBack detections of the partition held back for event-time ordering
 */
public record CorrelationClock(UUID exercise, Instant watermark, int heldBack) {}
