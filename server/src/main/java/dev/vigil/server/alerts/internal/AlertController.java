package dev.vigil.server.alerts.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertPage;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/alerts}: newest first, filtered by {@code level} (at least), {@code rule}, {@code source},
 * {@code application}, {@code tag}, {@code entity} (any entity value, e.g. a user or an IP), {@code from}/{@code to}
 * (ISO-8601 instants, on the alert's creation time), {@code exercise} ({@code exclude}: production alerts only, the
 * default unless {@code source} names an exercise source; {@code only}: alerts raised by replay exercises; {@code all}),
 * paged with {@code page} and {@code size} (default 50, max 500). With {@code exercise=exclude} the answer's
 * {@code exercisesHidden} says how many exercise alerts match the other filters and are left out (0 otherwise).
 */
@RequirePermission(Permission.ALERTS_READ)
@RestController
@RequestMapping("/api/v1/alerts")
class AlertController {
    private final AlertService alerts;

    AlertController(AlertService alerts) {
        this.alerts = alerts;
    }

    @GetMapping
    Page<Alert> list(
            @RequestParam(required = false) String level,
            @RequestParam(required = false) String rule,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) String application,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String entity,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String exercise,
            @Paging(
                            defaultSize = 50,
                            maxSize = AlertQuery.MAX_SIZE,
                            defaultSort = "createdAt,desc",
                            sortable = "createdAt")
                    PageQuery page) {
        for (PageQuery.Sort s : page.sort()) {
            if (!s.field().equals("createdAt") || !s.descending()) {
                throw new IllegalArgumentException("alerts are listed newest first (sort=createdAt,desc)");
            }
        }
        AlertPage found = alerts.find(new AlertQuery(
                level == null ? null : AlertLevel.parse(level),
                blank(rule),
                blank(source),
                blank(application),
                blank(tag),
                blank(entity),
                from,
                to,
                page.page(),
                page.size(),
                AlertQuery.Exercises.requested(exercise, blank(source))));
        return Page.of(found.items(), page, found.total()).withExercisesHidden(found.exercisesHidden());
    }

    @GetMapping("/{id}")
    ResponseEntity<Alert> get(@PathVariable UUID id) {
        return ResponseEntity.of(alerts.get(id));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
