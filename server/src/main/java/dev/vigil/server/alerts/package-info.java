/**
 * Alerts: detections made durable. {@link dev.vigil.server.alerts.AlertService#raise} stores alerts in PostgreSQL
 * (rule, level, tags, entity fields, the event, source, application, timestamps) and publishes one
 * {@link dev.vigil.server.alerts.AlertRaised} per alert as a Spring Modulith application event in the same
 * transaction; the JDBC event publication registry keeps it until every listener (incidents, paging) has handled it,
 * so a crash between "alert raised" and its consumers loses nothing. {@code GET /api/v1/alerts} lists them.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Alerts")
package dev.vigil.server.alerts;
