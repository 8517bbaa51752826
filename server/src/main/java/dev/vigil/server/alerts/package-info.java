/**
 * Alerts: detections made durable. {@link dev.vigil.server.alerts.AlertService#raise} stores alerts in PostgreSQL
 * (rule, level, tags, entity fields, the event, source, application, timestamps) with one JDBC batch insert and
 * announces the stored batch as ONE {@link dev.vigil.server.alerts.AlertsRaised} Spring Modulith application event
 * (a list of {@link dev.vigil.server.alerts.AlertRaised} summaries, at most 500 per event) in the same transaction:
 * an alert storm costs one publication per detection batch, not one per alert. The JDBC event publication registry
 * keeps the event until every listener (incidents, paging, webhooks) has handled it, so a crash between "alerts
 * raised" and its consumers loses nothing; a redelivered batch is handled again as a whole, so listeners are
 * idempotent per alert (incidents skip alerts already grouped, paging keeps one open page per alert, webhooks use
 * the alert id as the event id). {@code GET /api/v1/alerts} lists them.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Alerts")
package dev.vigil.server.alerts;
