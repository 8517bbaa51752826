package dev.vigil.server.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Read-only figures about on-call for governance and metrics (issue 10): how much of a period someone was on call
 * (the gap report over every schedule), the escalation policies in place, and the pages sent.
 */
public interface OnCallStatistics {

    /**
     * Coverage of [from, to) (at most 400 days) over every schedule: time with somebody on call in at least one
     * schedule, time in a gap of every schedule but covered by a schedule's (or its team's) fallback contact, and time
     * nobody would be reached.
     */
    Coverage coverage(Instant from, Instant to);

    /** Every escalation policy. */
    List<EscalationPolicy> policies();

    /** Pages created in [from, to), oldest first, with what metrics need to know about each. */
    List<PageFacts> pages(Instant from, Instant to);

    /**
     * @param onCall time with someone on call in at least one schedule
     * @param fallbackOnly time in a gap of every schedule that has a fallback contact for it
     * @param uncovered time nobody is on call and no fallback is set
     */
    record Coverage(
            Instant from,
            Instant to,
            Duration onCall,
            Duration fallbackOnly,
            Duration uncovered,
            List<ScheduleCoverage> schedules) {

        public Duration total() {
            return Duration.between(from, to);
        }
    }

    /**
     * One schedule's part of the gap report.
     *
     * @param fallbackUserId the schedule's fallback, else its team's, else null
     */
    record ScheduleCoverage(
            UUID scheduleId, String name, Duration onCall, Duration gaps, int gapCount, UUID fallbackUserId) {}

    /**
     * One page.
     *
     * @param team the on-call team owning the page's policy (its name), or null
     * @param afterHours created outside the team's business hours (its zone, minus its holidays); false without a team
     *     or without business hours
     * @param escalations how many times the page escalated past its first step (log entries {@code escalated})
     */
    record PageFacts(
            UUID id,
            String subjectType,
            String subjectId,
            Severity severity,
            String team,
            Instant createdAt,
            Instant acknowledgedAt,
            Instant resolvedAt,
            boolean afterHours,
            int escalations,
            boolean exhausted) {}
}
