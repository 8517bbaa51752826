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
 * @param correlation how correlation rules and kill-chain scoring run in the server
 */
@ConfigurationProperties("vigil.detection")
public record DetectionProperties(
        @DefaultValue("true") boolean starterRules,
        @DefaultValue("low") String minAlertLevel,
        @DefaultValue("1000") int maxAlertsPerRulePerMinute,
        @DefaultValue({"deprecated", "unsupported"}) Set<String> excludedStatuses,
        @DefaultValue("30s") Duration statsFlushInterval,
        @DefaultValue Correlation correlation) {

    /**
     * {@code vigil.detection.correlation.*}.
     *
     * @param allowance out-of-order allowance: detections are held back this long (event time) for ordering; after
     *     this long without detections (processing time) everything held back is released
     * @param tickInterval how often the engine is ticked, so windows complete without new events
     * @param snapshotInterval how often the correlation state is saved to PostgreSQL (also at shutdown)
     * @param stateKey the key of this instance's saved state (give each instance on one database its own)
     * @param killChain {@code off}, {@code on} (the defaults of docs/correlation.md) or the path of a YAML file with a
     *     {@code kill-chain:} section
     * @param maxWaitingFirings correlation alerts that may wait (spooled to disk) for the alert store; beyond it the
     *     oldest is dropped, counted and logged
     * @param maxFiringWait how long a correlation alert may wait for the alert store (across restarts) before it is
     *     dropped, counted and logged
     * @param maxSetAsideFiles files each of the spool's {@code corrupt/} and {@code refused/} keeps (the newest); the
     *     oldest beyond it are deleted, counted and logged
     * @param maxSetAsideSize bytes each of {@code corrupt/} and {@code refused/} keeps (the newest file is always kept)
     */
    public record Correlation(
            @DefaultValue("30s") Duration allowance,
            @DefaultValue("1s") Duration tickInterval,
            @DefaultValue("1m") Duration snapshotInterval,
            @DefaultValue("default") String stateKey,
            @DefaultValue("off") String killChain,
            @DefaultValue("10000") int maxWaitingFirings,
            @DefaultValue("24h") Duration maxFiringWait,
            @DefaultValue("1000") int maxSetAsideFiles,
            @DefaultValue("64MB") org.springframework.util.unit.DataSize maxSetAsideSize) {}
}
