package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/** A recorded review of a process; it moves the next review date to {@code nextDue}. */
public record ProcessReview(
        UUID id, String processKey, String reviewedBy, Instant reviewedAt, String notes, Instant nextDue) {}
