package dev.vigil.server.metrics.internal;

import dev.vigil.server.incidents.IncidentMetricsQuery;
import dev.vigil.server.incidents.IncidentMetricsQuery.IncidentRecord;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.oncall.OnCallStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * {@link IncidentMetrics} from {@link IncidentMetricsQuery} and {@link OnCallStatistics}. A page counts for the
 * incident it is about: its subject is the incident, or an alert that belongs to it.
 */
@Service
class DefaultIncidentMetrics implements IncidentMetrics {
    static final Duration MAX_PERIOD = Duration.ofDays(400);

    private final ObjectProvider<IncidentMetricsQuery> incidents;
    private final ObjectProvider<IncidentService> incidentService;
    private final ObjectProvider<OnCallStatistics> onCall;
    private final Clock clock;

    DefaultIncidentMetrics(
            ObjectProvider<IncidentMetricsQuery> incidents,
            ObjectProvider<IncidentService> incidentService,
            ObjectProvider<OnCallStatistics> onCall,
            Clock clock) {
        this.incidents = incidents;
        this.incidentService = incidentService;
        this.onCall = onCall;
        this.clock = clock;
    }

    @Override
    public MetricsReport report(Instant from, Instant to) {
        if (from == null || to == null || !to.isAfter(from)) {
            throw new IllegalArgumentException("the period needs from before to");
        }
        if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("the period is at most 400 days");
        }
        IncidentMetricsQuery q = incidents.getIfAvailable();
        List<IncidentRecord> records = q == null ? List.of() : q.incidents(from, to);
        Map<UUID, IncidentRecord> byId = new HashMap<>();
        for (IncidentRecord r : records) {
            byId.put(r.facts().id(), r);
        }
        List<MetricsCalculator.LinkedPage> pages = new ArrayList<>();
        OnCallStatistics stats = onCall.getIfAvailable();
        IncidentService service = incidentService.getIfAvailable();
        if (stats != null) {
            for (OnCallStatistics.PageFacts p : stats.pages(from, to)) {
                UUID subject = MetricsCalculator.uuidOrNull(p.subjectId());
                UUID incident = null;
                if (subject != null && "incident".equals(p.subjectType())) {
                    incident = subject;
                } else if (subject != null && "alert".equals(p.subjectType()) && service != null) {
                    incident = service.incidentOf(subject).orElse(null);
                }
                pages.add(new MetricsCalculator.LinkedPage(
                        p, Optional.ofNullable(incident).map(byId::get).orElse(null)));
            }
        }
        return MetricsCalculator.compute(from, to, clock.instant(), records, pages);
    }
}
