package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.web.NavEntry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The navigation entries of the pages in this module. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {
    @Bean
    NavEntry navDashboard() {
        return new NavEntry(NavEntry.OPERATE, "Dashboard", "/", Permission.DASHBOARD_READ, 10);
    }

    @Bean
    NavEntry navAlerts() {
        return new NavEntry(NavEntry.OPERATE, "Alerts", "/alerts", Permission.ALERTS_READ, 20);
    }

    @Bean
    NavEntry navEvents() {
        return new NavEntry(NavEntry.OPERATE, "Events", "/events", Permission.EVENTS_READ, 50);
    }

    @Bean
    NavEntry navRules() {
        return new NavEntry(NavEntry.DETECT, "Rules", "/rules", Permission.RULES_READ, 10);
    }

    @Bean
    NavEntry navSources() {
        return new NavEntry(NavEntry.DETECT, "Sources", "/sources", Permission.SOURCES_READ, 20);
    }

    @Bean
    NavEntry navApplications() {
        return new NavEntry(NavEntry.DETECT, "Applications", "/applications", Permission.APPLICATIONS_READ, 30);
    }

    @Bean
    NavEntry navAudit() {
        return new NavEntry(NavEntry.GOVERN, "Audit log", "/audit", Permission.AUDIT_READ, 30);
    }

    @Bean
    NavEntry navUsers() {
        return new NavEntry(NavEntry.ADMIN, "Users and teams", "/admin/users", Permission.USERS_READ, 10);
    }

    @Bean
    NavEntry navTokens() {
        return new NavEntry(NavEntry.ADMIN, "API tokens", "/admin/tokens", Permission.TOKENS_READ, 30);
    }

    @Bean
    NavEntry navApiDocs() {
        return new NavEntry(NavEntry.ADMIN, "API (OpenAPI)", "/swagger-ui/index.html", Permission.API_DOCS_READ, 90);
    }
}
