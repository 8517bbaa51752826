package dev.vigil.server.metrics.internal;

import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/metrics/incidents?from=&to=}: the incident response metrics (default: the last 90 days). */
@RestController
@RequestMapping("/api/v1/metrics")
@RequirePermission(Permission.INCIDENTS_READ)
class MetricsController {
    static final Duration DEFAULT_PERIOD = Duration.ofDays(90);

    private final IncidentMetrics metrics;
    private final Clock clock;

    MetricsController(IncidentMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @GetMapping("/incidents")
    MetricsReport incidents(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to) {
        Instant t = to == null ? clock.instant() : to;
        Instant f = from == null ? t.minus(DEFAULT_PERIOD) : from;
        return metrics.report(f, t);
    }
}
