package dev.vigil.server.governance;

import java.time.Instant;

/**
 * Published (durably) once per due date when something needs attention: a process review due within the reminder
 * window or overdue, a training about to expire, an open exercise follow-up past its due date, a missing-log defect
 * past its due date. Notification channels and webhooks subscribe to it.
 *
 * @param kind {@code process-review}, {@code training-expiry}, {@code finding-follow-up} or {@code log-defect}
 * @param subject what it is about (process key, training id, finding id)
 * @param owner who should act (user name)
 */
public record GovernanceReminder(String kind, String subject, String owner, Instant due, String message) {}
