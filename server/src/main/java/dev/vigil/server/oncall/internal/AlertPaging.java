package dev.vigil.server.oncall.internal;

import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertsRaised;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Pages straight from alerts at or above {@code vigil.oncall.alerts.min-level} (default high) with the default
 * policy, so that an event at intake pages someone before any incident exists. Off in the shipped configuration
 * ({@code vigil.oncall.alerts.enabled: false}): the incident module pages per incident with the policy its triage
 * rules choose. The listener is durable
 * (Modulith event publication registry; one {@link AlertsRaised} per stored batch, paged alert by alert): a crash
 * between the alerts and their pages redelivers the batch on restart, and the one-open-page-per-subject rule makes
 * the retry harmless for the alerts already paged.
 */
@Component
class AlertPaging {
    private static final Logger log = LoggerFactory.getLogger(AlertPaging.class);
    private final DefaultPagingService paging;
    private final OnCallProperties properties;
    private final MeterRegistry meters;
    private final PublicUrl publicUrl;

    AlertPaging(DefaultPagingService paging, OnCallProperties properties, MeterRegistry meters, PublicUrl publicUrl) {
        this.paging = paging;
        this.publicUrl = publicUrl;
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Pages each alert of the batch in turn, exactly as a single alert would be: a redelivered batch pages nobody
     * twice (one open page per alert).
     */
    @ApplicationModuleListener
    void on(AlertsRaised batch) {
        if (!properties.alerts().enabled()) {
            return;
        }
        for (AlertRaised alert : batch.alerts()) {
            page(alert);
        }
    }

    void page(AlertRaised alert) {
        // exercise alerts page through their incident only, when the exercise asks for it
        if (!properties.alerts().enabled() || dev.vigil.server.normalize.ExerciseTag.isExercise(alert.source())) {
            return;
        }
        Severity severity = Severity.parse(alert.level().id());
        if (severity.compareTo(properties.alerts().minSeverity()) < 0) {
            return;
        }
        if (!paging.hasDefaultPolicy()) {
            meters.counter("vigil.oncall.alerts.unpaged", "reason", "no-default-policy")
                    .increment();
            log.warn(
                    "Alert {} ({}) not paged: no default escalation policy '{}'",
                    alert.alertId(),
                    alert.ruleTitle(),
                    properties.defaultPolicy());
            return;
        }
        StringBuilder summary = new StringBuilder();
        summary.append("Rule: ")
                .append(alert.ruleTitle())
                .append(" (")
                .append(alert.ruleId())
                .append(")\n");
        summary.append("Source: ").append(alert.source());
        if (alert.application() != null) {
            summary.append(", application ").append(alert.application());
        }
        for (Map.Entry<String, String> e : alert.entities().entrySet()) {
            summary.append('\n').append(e.getKey()).append(": ").append(e.getValue());
        }
        List<PageRequest.PageLink> links = new ArrayList<>();
        links.add(new PageRequest.PageLink("Alert", publicUrl.base() + "/api/v1/alerts/" + alert.alertId()));
        paging.startPaging(new PageRequest(
                "alert", alert.alertId().toString(), alert.ruleTitle(), summary.toString(), severity, null, links));
        meters.counter("vigil.oncall.alerts.paged").increment();
    }
}
