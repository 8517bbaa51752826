/**
 * Metrics for the Prometheus export ({@code /actuator/prometheus}): the SAMM Incident Management answers and scores,
 * open missing-log defects, overdue process reviews and the managed checklist's coverage, as Micrometer gauges read
 * from the assessment and governance modules (values cached for a minute so a scrape never recomputes them twice).
 * Incident timing metrics (MTTD, MTTA, MTTR) join here once incident and paging records exist.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Metrics")
package dev.vigil.server.metrics;
