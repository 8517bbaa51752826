package dev.vigil.server.incidents;

import java.time.Instant;

/** A manual timeline entry; {@code at} null means now. {@code kind} is one of {@link TimelineEntry#MANUAL_KINDS}. */
public record NewTimelineEntry(
        String kind, Instant at, String summary, String details, String audience, String channel) {}
