package dev.vigil.server.web.internal;

import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentStatistics;
import dev.vigil.server.incidents.ObligationService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.web.DashboardWidget;
import dev.vigil.server.web.NavEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The navigation entries of the incident pages ({@link IncidentPages}) and the dashboard's incident widget. */
@Configuration(proxyBeanMethods = false)
class IncidentNavigation {
    @Bean
    NavEntry navIncidents() {
        return new NavEntry(NavEntry.OPERATE, "Incidents", "/incidents", Permission.INCIDENTS_READ, 30);
    }

    @Bean
    NavEntry navIncidentSettings() {
        return new NavEntry(
                NavEntry.ADMIN, "Incident settings", "/incidents/settings", Permission.INCIDENTS_CONFIGURE, 50);
    }

    /** A deadline on the dashboard: the stage, its incident's reference and the countdown text. */
    public record Due(DeadlineStage stage, String reference, String label) {}

    @Bean
    DashboardWidget incidentsWidget(
            IncidentStatistics statistics, ObligationService obligations, IncidentService incidents, Clock clock) {
        return new DashboardPages.Widget(
                "incidents",
                "Open incidents and deadlines",
                Permission.INCIDENTS_READ,
                20,
                "widgets/incidents :: widget",
                () -> {
                    Instant now = clock.instant();
                    List<Due> due = new ArrayList<>();
                    for (DeadlineStage s : obligations.upcoming(now.plus(Duration.ofDays(7)), 5)) {
                        incidents
                                .get(s.incidentId())
                                .ifPresent(i -> due.add(new Due(s, i.reference(), IncidentPages.label(s, now))));
                    }
                    return Map.of(
                            "open", statistics.openBySeverity(),
                            "due", due,
                            "severities", List.of("critical", "high", "medium", "low"));
                });
    }
}
