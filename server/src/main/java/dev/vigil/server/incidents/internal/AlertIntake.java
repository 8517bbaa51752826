package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.AlertsRaised;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns every raised alert into an incident or part of one, a whole {@link AlertsRaised} batch at a time: one read of
 * the alerts and one transaction ({@link DefaultIncidentService#ingestAll}) per batch. A durable Modulith listener
 * (asynchronous, after the alerts committed; the registry keeps the publication until this method returns), and
 * grouping is idempotent per alert (an alert already in an incident is skipped), so a redelivery after a crash
 * neither loses nor doubles anything.
 *
 * <p>When the batch's transaction fails, its alerts are grouped one transaction each, so one alert that cannot be
 * grouped does not hold back the others; the failure is then rethrown, which leaves the publication incomplete for
 * the registry to redeliver (the alerts grouped meanwhile are skipped then). This is why the listener runs its own
 * transactions instead of being an {@code @ApplicationModuleListener} (one transaction around the whole method).
 */
@Component
class AlertIntake {
    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);
    private final AlertService alerts;
    private final DefaultIncidentService incidents;
    private final TransactionTemplate tx;

    AlertIntake(AlertService alerts, DefaultIncidentService incidents, TransactionTemplate tx) {
        this.alerts = alerts;
        this.incidents = incidents;
        this.tx = tx;
    }

    @Async
    @TransactionalEventListener
    void on(AlertsRaised event) {
        List<Alert> batch = alerts.getAll(event.alertIds());
        if (batch.size() < event.alerts().size()) {
            log.warn(
                    "{} of {} raised alerts are gone; grouping the rest",
                    event.alerts().size() - batch.size(),
                    event.alerts().size());
        }
        group(batch);
    }

    /** Groups the alerts: the batch in one transaction, or, when that fails, one transaction per alert. */
    void group(List<Alert> batch) {
        try {
            tx.executeWithoutResult(st -> incidents.ingestAll(batch));
        } catch (RuntimeException batchFailed) {
            if (batch.size() == 1) {
                throw batchFailed;
            }
            log.warn(
                    "Grouping a batch of {} alerts failed ({}); grouping them one by one",
                    batch.size(),
                    batchFailed.toString());
            oneByOne(batch, batchFailed);
        }
    }

    private void oneByOne(List<Alert> batch, RuntimeException batchFailed) {
        List<UUID> failed = new ArrayList<>();
        RuntimeException first = null;
        for (Alert a : batch) {
            try {
                tx.executeWithoutResult(st -> incidents.ingestAll(List.of(a)));
            } catch (RuntimeException e) {
                failed.add(a.id());
                first = first == null ? e : first;
                log.error("Alert {} ({}) could not be grouped: {}", a.id(), a.ruleTitle(), e.toString());
            }
        }
        if (first != null) {
            IllegalStateException e = new IllegalStateException(
                    failed.size() + " of " + batch.size() + " alerts could not be grouped (kept for redelivery): "
                            + failed,
                    first);
            e.addSuppressed(batchFailed);
            throw e;
        }
    }
}
