package dev.vigil.server.alerts;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Published (durably, through the Modulith event publication registry) once per stored batch of alerts: one
 * {@link AlertService#raise} call announces its alerts in one event (at most {@link #MAX_ALERTS} each; a larger batch
 * is announced in several), so that an alert storm costs the registry and every listener one publication per batch
 * instead of one per alert. {@link #alerts()} holds one {@link AlertRaised} summary per stored alert, in the order
 * they were raised; listeners handle them in that order and must stay idempotent per alert (a crash between the
 * publication and its completion redelivers the whole batch). They use {@link AlertService#getAll}
 * for the evidence.
 *
 * @param alerts the stored alerts of the batch, never empty
 */
public record AlertsRaised(List<AlertRaised> alerts) {
    /** The most alerts one event announces. */
    public static final int MAX_ALERTS = 500;

    public AlertsRaised {
        alerts = List.copyOf(Objects.requireNonNull(alerts, "alerts"));
    }

    /** The alert ids, in order. */
    public List<UUID> alertIds() {
        return alerts.stream().map(AlertRaised::alertId).toList();
    }
}
