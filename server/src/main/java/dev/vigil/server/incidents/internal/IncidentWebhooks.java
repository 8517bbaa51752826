package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.webhooks.WebhookPublisher;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Relays the incident events to webhook subscribers ({@code incident.created}, {@code incident.updated},
 * {@code incident.status_changed}, {@code incident.closed}, {@code incident.alert_added},
 * {@code incident.deadline_at_risk}, {@code incident.deadline_missed}, {@code incident.submission_recorded}), in the
 * transaction of the change, so that a change and its webhook deliveries are stored together. The event id is derived
 * from the event itself: the same event is never delivered twice under two ids.
 */
@Component
class IncidentWebhooks {
    private final WebhookPublisher webhooks;

    IncidentWebhooks(WebhookPublisher webhooks) {
        this.webhooks = webhooks;
    }

    private void publish(String type, Record event) {
        webhooks.publish(type, UUID.nameUUIDFromBytes((type + "|" + event).getBytes(StandardCharsets.UTF_8)), event);
    }

    @EventListener
    void on(IncidentEvents.IncidentCreated e) {
        publish("incident.created", e);
    }

    @EventListener
    void on(IncidentEvents.IncidentUpdated e) {
        publish("incident.updated", e);
    }

    @EventListener
    void on(IncidentEvents.IncidentStatusChanged e) {
        publish("incident.status_changed", e);
    }

    @EventListener
    void on(IncidentEvents.IncidentClosed e) {
        publish("incident.closed", e);
    }

    @EventListener
    void on(IncidentEvents.AlertGrouped e) {
        if (!e.duplicate()) {
            publish("incident.alert_added", e);
        }
    }

    @EventListener
    void on(IncidentEvents.DeadlineAtRisk e) {
        publish("incident.deadline_at_risk", e);
    }

    @EventListener
    void on(IncidentEvents.DeadlineMissed e) {
        publish("incident.deadline_missed", e);
    }

    @EventListener
    void on(IncidentEvents.SubmissionRecorded e) {
        publish("incident.submission_recorded", e);
    }
}
