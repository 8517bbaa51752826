package dev.vigil.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Published (durably, through the Modulith event publication registry) once per stored alert. Listeners use
 * {@code @ApplicationModuleListener}; they get the summary here and {@link AlertService#get} for the evidence.
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
