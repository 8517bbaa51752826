package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.AlertsRaised;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Turns every raised alert into an incident or part of one, a whole {@link AlertsRaised} batch at a time: one read of
 * the alerts and one transaction ({@link DefaultIncidentService#ingestAll}) per batch. A durable Modulith listener:
 * the publication stays in the registry until the batch committed, and grouping is idempotent per alert (an alert
 * already in an incident is skipped), so a redelivery after a crash neither loses nor doubles anything.
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
    void on(AlertsRaised event) {
        List<Alert> batch = alerts.getAll(event.alertIds());
        if (batch.size() < event.alerts().size()) {
            log.warn(
                    "{} of {} raised alerts are gone; grouping the rest",
                    event.alerts().size() - batch.size(),
                    event.alerts().size());
        }
        incidents.ingestAll(batch);
    }
}
