package dev.vigil.server.incidents;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One stage of an incident's notification obligation and its deadline.
 *
 * @param dueAt null while the trigger has not happened ({@code state} {@code waiting})
 * @param dueBasis how the deadline was computed, for people ("72h after awareness 2026-03-01T10:00Z")
 * @param state {@code waiting}, {@code pending}, {@code at_risk}, {@code overdue} or {@code submitted}
 * @param late whether the submission came after the deadline; {@code lateJustification} then says why
 */
public record DeadlineStage(
        UUID id,
        UUID obligationId,
        UUID incidentId,
        int position,
        String key,
        String name,
        boolean asap,
        Instant dueAt,
        String dueBasis,
        String state,
        Instant warnedAt,
        Instant overdueAt,
        Instant submittedAt,
        String submittedTo,
        String submittedWhat,
        String submittedBy,
        String reference,
        Boolean late,
        String lateJustification) {

    /** Time left until the deadline at {@code now} (negative when overdue), or null without a deadline. */
    public Duration remaining(Instant now) {
        return dueAt == null ? null : Duration.between(now, dueAt);
    }

    public boolean open() {
        return !state.equals("submitted");
    }
}
