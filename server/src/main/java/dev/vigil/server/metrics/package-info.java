/**
 * Metrics for the Prometheus export ({@code /actuator/prometheus}): the SAMM Incident Management answers and scores,
 * open missing-log defects, overdue process reviews and the managed checklist's coverage, as Micrometer gauges read
 * from the assessment and governance modules (values cached for a minute so a scrape never recomputes them twice).
 * Incident response metrics (SAMM IM3-B): {@link dev.vigil.server.metrics.IncidentMetrics} computes MTTD (dwell
 * time), MTTA, MTTC, MTTR, time per NIST phase, notification deadline compliance, pages after hours, escalations and
 * RCA completion over a chosen period, overall and per team, severity, classification and month, from the incidents'
 * and on-call modules' records ({@code GET /api/v1/metrics/incidents}, the {@code /metrics} page with SVG charts, and
 * {@code vigil_incidents_*} / {@code vigil_oncall_pages_*} gauges over the last 30 days).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Metrics")
package dev.vigil.server.metrics;
