package dev.vigil.server.detection.internal;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.detection.*}.
 *
 * @param starterRules import the bundled starter rules on the first start with an empty rule store
 * @param minAlertLevel detections below this level update rule statistics (and feed correlations) but raise no alert
 * @param maxAlertsPerRulePerMinute alerts one rule may raise per minute; the excess is counted as suppressed
 * @param excludedStatuses rules with these Sigma statuses are stored but not compiled
 * @param statsFlushInterval how often per-rule statistics are written to the database
 */
@ConfigurationProperties("vigil.detection")
public record DetectionProperties(
        @DefaultValue("true") boolean starterRules,
        @DefaultValue("low") String minAlertLevel,
        @DefaultValue("1000") int maxAlertsPerRulePerMinute,
        @DefaultValue({"deprecated", "unsupported"}) Set<String> excludedStatuses,
        @DefaultValue("30s") Duration statsFlushInterval) {}
