package dev.vigil.server.metrics;

import java.time.Instant;

/**
 * Incident response metrics (SAMM IM3-B) over a chosen period, from the incident, notification-obligation and page
 * records: MTTD (occurred to detected, the dwell time), MTTA, MTTC and MTTR (detected to acknowledged, contained,
 * resolved), the time spent in each NIST phase, notification deadline compliance, pages (after hours, escalated),
 * escalation steps and RCA completion, overall and per team, severity, classification and month.
 */
public interface IncidentMetrics {

    /** Metrics of the incidents and pages created in [from, to) (at most 400 days). */
    MetricsReport report(Instant from, Instant to);
}
