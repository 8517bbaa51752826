package dev.vigil.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The summary of one stored alert, as announced in {@link AlertsRaised} (the event published per stored batch) and
 * relayed to webhook subscribers as the data of an {@code alert.raised} event. {@link AlertService#get} gives the
 * evidence.
 */
public record AlertRaised(
        UUID alertId,
        String ruleId,
        String ruleTitle,
        AlertLevel level,
        List<String> tags,
        String source,
        String application,
        Map<String, String> entities,
        Instant eventTime,
        Instant createdAt) {}
