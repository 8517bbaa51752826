package dev.vigil.server.incidents;

import java.time.Instant;

/**
 * A recorded submission of a notification stage: when it was sent (null: now), to whom, what, the recipient's
 * reference (case number), and why it is late when it is.
 */
public record Submission(Instant at, String to, String what, String reference, String lateJustification) {}
