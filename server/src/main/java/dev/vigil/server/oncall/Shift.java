package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.UUID;

/**
 * A period of a schedule's final timeline with one person on call (or nobody: {@code userId} null, a gap).
 *
 * @param source what put them there: {@code layer:<name>}, {@code override}, {@code swap}, or {@code gap}
 */
public record Shift(Instant start, Instant end, UUID userId, String source) {}
