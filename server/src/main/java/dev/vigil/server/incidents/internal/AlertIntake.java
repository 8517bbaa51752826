package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Turns every raised alert into an incident or part of one. A durable Modulith listener: the publication stays in
 * the registry until {@link DefaultIncidentService#ingest} committed, and ingesting is idempotent (an alert already in
 * an incident is skipped), so a redelivery after a crash neither loses nor doubles anything.
 */
@Component
class AlertIntake {
    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);
    private final AlertService alerts;
    private final DefaultIncidentService incidents;

    AlertIntake(AlertService alerts, DefaultIncidentService incidents) {
        this.alerts = alerts;
        this.incidents = incidents;
    }

    @ApplicationModuleListener
    void on(AlertRaised event) {
        Alert alert = alerts.get(event.alertId()).orElse(null);
        if (alert == null) {
            log.warn("Alert {} is gone; nothing to group", event.alertId());
            return;
        }
        incidents.ingest(alert);
    }
}
