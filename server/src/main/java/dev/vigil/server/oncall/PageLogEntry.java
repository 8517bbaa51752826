package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a page's history: {@code triggered}, {@code step-skipped}, {@code escalated} (who was notified, over
 * which channels), {@code webhook}, {@code repeat}, {@code exhausted}, {@code gap}, {@code acknowledged},
 * {@code unacknowledged}, {@code reminder}, {@code ack-expired}, {@code resolved}, {@code no-contact}.
 */
public record PageLogEntry(Instant at, String kind, String actor, Map<String, Object> detail) {}
