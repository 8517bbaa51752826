package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.web.NavEntry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The navigation entry of the incident pages ({@link IncidentPages}). */
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
}
