package dev.vigil.server.governance;

import java.time.Instant;
import java.util.UUID;

/**
 * A process the organisation runs (incident detection, incident response, ...).
 *
 * @param key stable, lower-case identifier ({@code incident-detection})
 * @param owner the accountable user (user name)
 * @param escalationPath how an event is escalated for further analysis (free text, e.g. the escalation policy)
 * @param reviewIntervalDays the review cadence (default 365: annual)
 * @param lastReviewedAt the last recorded review, or null
 * @param nextReviewDue when the next review is due (last review, or creation, plus the interval)
 * @param currentVersion the latest documentation version, 0 when there is none yet
 */
public record GovernedProcess(
        UUID id,
        String key,
        String title,
        ProcessKind kind,
        String owner,
        String escalationPath,
        int reviewIntervalDays,
        Instant lastReviewedAt,
        Instant nextReviewDue,
        int currentVersion,
        Instant createdAt,
        Instant updatedAt) {

    /** True when the review is overdue at {@code now}. */
    public boolean reviewOverdue(Instant now) {
        return nextReviewDue.isBefore(now);
    }

    /** True when the process has documentation. */
    public boolean documented() {
        return currentVersion > 0;
    }
}
