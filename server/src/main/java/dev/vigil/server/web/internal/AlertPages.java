package dev.vigil.server.web.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertPage;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /alerts}: filtered, paged list and one alert's detail with the matched event. Everything shown comes from
 * logs and is rendered as text (th:text), never as markup. The list shows production alerts unless the exercise
 * filter asks for exercise alerts too (or only them); what it leaves out is counted on the page, with a link that
 * shows it.
 */
@Controller
@RequirePermission(Permission.ALERTS_READ)
class AlertPages {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SIZE = 50;
    private final AlertService alerts;
    private final IncidentService incidents;

    AlertPages(AlertService alerts, IncidentService incidents) {
        this.alerts = alerts;
        this.incidents = incidents;
    }

    @GetMapping("/alerts")
    String list(
            @RequestParam(required = false) String level,
            @RequestParam(required = false) String rule,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) String application,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String entity,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String exercise,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        AlertQuery.Exercises exercises = AlertQuery.Exercises.requested(exercise, blank(source));
        AlertPage result = alerts.find(new AlertQuery(
                blank(level) == null ? null : AlertLevel.parse(level),
                blank(rule),
                blank(source),
                blank(application),
                blank(tag),
                blank(entity),
                from,
                to,
                Math.max(0, page),
                SIZE,
                exercises));
        model.addAttribute("result", result);
        model.addAttribute("levels", AlertLevel.values());
        model.addAttribute("level", blank(level));
        model.addAttribute("rule", blank(rule));
        model.addAttribute("source", blank(source));
        // not "application": Thymeleaf would resolve a null one to the servlet context's attribute map
        model.addAttribute("applicationFilter", blank(application));
        model.addAttribute("tag", blank(tag));
        model.addAttribute("entity", blank(entity));
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("exercise", exercises.id());
        model.addAttribute("exerciseChoices", AlertQuery.Exercises.values());
        model.addAttribute("hasNext", (long) (result.page() + 1) * result.size() < result.total());
        return "alerts";
    }

    @GetMapping("/alerts/{id}")
    String detail(@PathVariable UUID id, Model model) {
        Alert a = alerts.get(id).orElseThrow(() -> new NoSuchElementException("no alert " + id));
        model.addAttribute("alert", a);
        model.addAttribute(
                "incident", incidents.incidentOf(a.id()).flatMap(incidents::get).orElse(null));
        model.addAttribute("event", pretty(a.event()));
        model.addAttribute("correlation", a.correlation() == null ? null : pretty(a.correlation()));
        return "alert";
    }

    static String pretty(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (RuntimeException e) {
            return json;
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
