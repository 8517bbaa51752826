package dev.vigil.server.metrics.internal;

import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.metrics.MetricsReport.Figures;
import dev.vigil.server.metrics.MetricsReport.Timing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges of the incident response metrics over the last 30 days, overall ({@code severity="all"}) and per
 * severity: mean MTTD/MTTA/MTTC/MTTR in seconds, incidents, notification deadline compliance, RCA completion, pages
 * after hours and escalated. Computed at most once a minute (on a scrape); a failure keeps the previous values.
 */
@Component
class IncidentGauges implements SmartInitializingSingleton {
    static final Duration WINDOW = Duration.ofDays(30);
    static final Duration TTL = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final IncidentMetrics metrics;
    private final Clock clock;
    private volatile MetricsReport report;

    IncidentGauges(MeterRegistry registry, IncidentMetrics metrics, Clock clock) {
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String[] severities = new String[IncidentSeverity.values().length + 1];
        severities[0] = "all";
        for (int i = 0; i < IncidentSeverity.values().length; i++) {
            severities[i + 1] = IncidentSeverity.values()[i].id();
        }
        for (String s : severities) {
            timing(
                    "vigil.incidents.mttd",
                    s,
                    "mean time from occurred to detected (dwell time), last 30 days",
                    Figures::mttd);
            timing("vigil.incidents.mtta", s, "mean time from detected to acknowledged, last 30 days", Figures::mtta);
            timing("vigil.incidents.mttc", s, "mean time from detected to contained, last 30 days", Figures::mttc);
            timing("vigil.incidents.mttr", s, "mean time from detected to resolved, last 30 days", Figures::mttr);
            gauge("vigil.incidents.period.count", s, "incidents created in the last 30 days", f -> f.incidents());
            gauge(
                    "vigil.incidents.notification.deadline.compliance",
                    s,
                    "share of notification stages submitted by their deadline, last 30 days",
                    f -> nan(f.deadlines().compliance()));
            gauge(
                    "vigil.incidents.rca.completion",
                    s,
                    "share of resolved incidents needing an RCA that have one (completed or waived), last 30 days",
                    f -> nan(f.rcaCompletion()));
            gauge("vigil.oncall.pages.period.count", s, "pages in the last 30 days", f -> f.pages());
            gauge(
                    "vigil.oncall.pages.after.hours",
                    s,
                    "pages outside the team's business hours, last 30 days",
                    f -> f.pagesAfterHours());
            gauge(
                    "vigil.oncall.pages.escalated",
                    s,
                    "pages escalated past their first step, last 30 days",
                    f -> f.pagesEscalated());
        }
    }

    private static double nan(Double d) {
        return d == null ? Double.NaN : d;
    }

    private void timing(String name, String severity, String description, Function<Figures, Timing> t) {
        Gauge.builder(name, this, g -> g.read(severity, f -> nan(t.apply(f).meanSeconds())))
                .tag("severity", severity)
                .baseUnit("seconds")
                .description(description)
                .register(registry);
    }

    private void gauge(String name, String severity, String description, ToDoubleFunction<Figures> f) {
        Gauge.builder(name, this, g -> g.read(severity, f))
                .tag("severity", severity)
                .description(description)
                .register(registry);
    }

    double read(String severity, ToDoubleFunction<Figures> f) {
        MetricsReport r = current();
        if (r == null) {
            return Double.NaN;
        }
        if (severity.equals("all")) {
            return f.applyAsDouble(r.overall());
        }
        for (MetricsReport.Group g : r.groups().get("severity")) {
            if (g.key().equals(severity)) {
                return f.applyAsDouble(g.figures());
            }
        }
        return f.applyAsDouble(MetricsCalculator.figures(java.util.List.of(), java.util.List.of(), null));
    }

    private synchronized MetricsReport current() {
        Instant now = clock.instant();
        if (report != null && report.computedAt().plus(TTL).isAfter(now)) {
            return report;
        }
        try {
            report = metrics.report(now.minus(WINDOW), now);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(IncidentGauges.class)
                    .warn("incident metrics could not be computed: {}", e.toString());
        }
        return report;
    }
}
