package dev.vigil.server.web.internal;

import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.ingest.LogSources;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.web.DashboardWidget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The dashboard ({@code /}): the {@link DashboardWidget}s the caller may see, each loaded and refreshed by htmx from
 * {@code /dashboard/widgets/{id}}. The widgets of the modules that exist now are defined here; later modules (open
 * incidents by severity, who is on call) contribute theirs as beans.
 */
@Controller
@RequirePermission(Permission.DASHBOARD_READ)
class DashboardPages {
    private final ObjectProvider<DashboardWidget> widgets;
    private final AccessControl access;

    DashboardPages(ObjectProvider<DashboardWidget> widgets, AccessControl access) {
        this.widgets = widgets;
        this.access = access;
    }

    private List<DashboardWidget> visible() {
        var mine = access.currentPermissions();
        return widgets.orderedStream()
                .filter(w -> mine.contains(w.permission()))
                .sorted(Comparator.comparingInt(DashboardWidget::order))
                .toList();
    }

    /** Browsers only: API clients with a token get the Elasticsearch root document from the intake instead. */
    @GetMapping(path = "/", headers = "!Authorization")
    String dashboard(Model model) {
        model.addAttribute("widgets", visible());
        return "dashboard";
    }

    @GetMapping("/dashboard/widgets/{id}")
    String widget(@PathVariable String id, Model model) {
        DashboardWidget w = widgets.orderedStream()
                .filter(x -> x.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no widget " + id));
        access.require(w.permission());
        model.addAllAttributes(w.model());
        model.addAttribute("widget", w);
        return w.template();
    }

    /** A widget defined by its parts. */
    public record Widget(
            String id,
            String title,
            Permission permission,
            int order,
            String template,
            java.util.function.Supplier<Map<String, Object>> supplier)
            implements DashboardWidget {
        @Override
        public Map<String, Object> model() {
            return supplier.get();
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class BuiltInWidgets {
        @Bean
        DashboardWidget alertsWidget(AlertService alerts, Clock clock) {
            return new Widget(
                    "alerts",
                    "Alerts in the last 24 hours",
                    Permission.ALERTS_READ,
                    10,
                    "widgets/alerts :: widget",
                    () -> {
                        Instant now = clock.instant();
                        var stats = alerts.stats(now.minus(Duration.ofHours(24)), now);
                        long max = stats.perHour().stream()
                                .mapToLong(h -> h.count())
                                .max()
                                .orElse(0);
                        return Map.of("stats", stats, "max", Math.max(1, max));
                    });
        }

        @Bean
        DashboardWidget intakeWidget(LogSources sources, SourceActivity activity, Clock clock) {
            return new Widget(
                    "intake",
                    "Intake health per source",
                    Permission.SOURCES_READ,
                    40,
                    "widgets/intake :: widget",
                    () -> {
                        Instant now = clock.instant();
                        List<Map<String, Object>> rows = new ArrayList<>();
                        for (var s : sources.list()) {
                            SourceStats st = activity.stats(s.name()).orElse(null);
                            String health;
                            if (!s.enabled()) {
                                health = "disabled";
                            } else if (st == null || st.lastSeen() == null) {
                                health = "never seen";
                            } else if (st.lastSeen().isBefore(now.minus(Duration.ofHours(1)))) {
                                health = "silent for over an hour";
                            } else if (st.rejected() > 0 && st.rejected() * 10 > st.received()) {
                                health = "many rejected";
                            } else {
                                health = "ok";
                            }
                            rows.add(Map.of(
                                    "name",
                                    s.name(),
                                    "intake",
                                    s.intake().id(),
                                    "health",
                                    health,
                                    "stats",
                                    st == null ? new SourceStats(s.name(), null, 0, 0, 0, 0, null, 0) : st));
                        }
                        return Map.of("rows", rows);
                    });
        }

        @Bean
        DashboardWidget rulesWidget(RuleService rules) {
            return new Widget(
                    "rules",
                    "Detection rules",
                    Permission.RULES_READ,
                    50,
                    "widgets/rules :: widget",
                    () -> Map.of("status", rules.status()));
        }

        @Bean
        DashboardWidget auditWidget(AuditLog audit) {
            return new Widget("audit", "Audit trail", Permission.AUDIT_READ, 60, "widgets/audit :: widget", () -> {
                var v = audit.lastVerification();
                return v == null ? Map.of() : Map.of("verification", v);
            });
        }
    }
}
