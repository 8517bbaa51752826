package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One escalation run about a subject. {@code policy} is the snapshot taken when paging started; {@code round} and
 * {@code step} are the escalation cursor (the next step to run), {@code nextActionAt} when it runs.
 */
public record Page(
        UUID id,
        String subjectType,
        String subjectId,
        String title,
        String summary,
        Severity severity,
        List<PageRequest.PageLink> links,
        UUID policyId,
        EscalationPolicy policy,
        PageStatus status,
        int epoch,
        int round,
        int step,
        Instant nextActionAt,
        boolean exhausted,
        Instant createdAt,
        Instant acknowledgedAt,
        String acknowledgedBy,
        Instant resolvedAt,
        String resolvedBy) {}
