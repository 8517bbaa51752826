package dev.vigil.server.web.internal;

import dev.vigil.server.metrics.IncidentMetrics;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.metrics.MetricsReport.Figures;
import dev.vigil.server.metrics.MetricsReport.Timing;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.web.NavEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /metrics}: incident response metrics of a chosen period (dates, UTC; default the last 90 days) with
 * server-rendered SVG bar charts (no script, no external library) and the figures per team, severity, classification
 * and month.
 */
@Controller
@RequirePermission(Permission.INCIDENTS_READ)
class MetricsPages {
    private final IncidentMetrics metrics;
    private final Clock clock;

    MetricsPages(IncidentMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @GetMapping("/metrics")
    String metrics(
            @RequestParam(required = false) LocalDate from, @RequestParam(required = false) LocalDate to, Model model) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate t = to == null ? today : to;
        LocalDate f = from == null ? t.minusDays(89) : from;
        String error = null;
        if (f.isAfter(t) || Duration.between(f.atStartOfDay(), t.atStartOfDay()).toDays() >= 400) {
            error = "The period must start before it ends and span at most 400 days; showing the last 90 days.";
            t = today;
            f = t.minusDays(89);
        }
        Instant start = f.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = t.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        MetricsReport r = metrics.report(start, end);
        model.addAttribute("report", r);
        model.addAttribute("from", f);
        model.addAttribute("to", t);
        model.addAttribute("error", error);
        model.addAttribute("fmt", new Format());
        model.addAttribute("dimensions", MetricsReport.DIMENSIONS);
        List<MetricsReport.Group> months = r.groups().get("month");
        model.addAttribute(
                "charts",
                List.of(
                        new NamedChart(
                                "Response times per month",
                                "chart-time",
                                chart(
                                        months,
                                        List.of(
                                                new Series("MTTD", "#8c6d1f", x -> hours(x.mttd())),
                                                new Series("MTTA", "#1f5f8c", x -> hours(x.mtta())),
                                                new Series("MTTR", "#2e7d32", x -> hours(x.mttr()))),
                                        "hours")),
                        new NamedChart(
                                "Response times per severity",
                                "chart-severity",
                                chart(
                                        r.groups().get("severity"),
                                        List.of(
                                                new Series("MTTA", "#1f5f8c", x -> hours(x.mtta())),
                                                new Series("MTTR", "#2e7d32", x -> hours(x.mttr()))),
                                        "hours")),
                        new NamedChart(
                                "Incidents and pages per month",
                                "chart-volume",
                                chart(
                                        months,
                                        List.of(
                                                new Series("Incidents", "#555555", x -> (double) x.incidents()),
                                                new Series("Pages", "#8c1f4a", x -> (double) x.pages()),
                                                new Series(
                                                        "After hours", "#c25e00", x -> (double) x.pagesAfterHours())),
                                        "count"))));
        return "metrics";
    }

    static Double hours(Timing t) {
        return t.meanSeconds() == null ? null : t.meanSeconds() / 3600.0;
    }

    /** Formats seconds as "2 h 05 min", "45 min", "30 s"; "–" when absent. */
    static String duration(Double seconds) {
        if (seconds == null) {
            return "–";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        long h = m / 60;
        if (h < 48) {
            return h + " h " + String.format(Locale.ROOT, "%02d", m % 60) + " min";
        }
        return String.format(Locale.ROOT, "%.1f d", s / 86400.0);
    }

    static String percent(Double ratio) {
        return ratio == null ? "–" : String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }

    /** Formatting for the template. */
    static final class Format {
        public String duration(Timing t) {
            return MetricsPages.duration(t.meanSeconds());
        }

        public String median(Timing t) {
            return MetricsPages.duration(t.medianSeconds());
        }

        public String percent(Double ratio) {
            return MetricsPages.percent(ratio);
        }

        public String number(double v) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
    }

    record NamedChart(String title, String id, Chart chart) {}

    record Series(String name, String color, Function<Figures, Double> value) {}

    /** A bar of the chart, its geometry in SVG user units. */
    record Bar(double x, double y, double width, double height, String color, String title) {}

    record Label(double x, String text) {}

    record Tick(double y, String text) {}

    record Legend(String name, String color, double x) {}

    record Chart(
            double width,
            double height,
            List<Bar> bars,
            List<Label> labels,
            List<Tick> ticks,
            List<Legend> legend,
            boolean empty) {}

    static final double CHART_HEIGHT = 200;
    static final double TOP = 20;
    static final double LEFT = 50;

    static Chart chart(List<MetricsReport.Group> groups, List<Series> series, String unit) {
        double max = 0;
        for (MetricsReport.Group g : groups) {
            for (Series s : series) {
                Double v = s.value().apply(g.figures());
                if (v != null && v > max) {
                    max = v;
                }
            }
        }
        double scale = niceMax(max);
        double barWidth = 14;
        double groupWidth = series.size() * barWidth + 16;
        double width = Math.max(320, LEFT + groups.size() * groupWidth + 10);
        List<Bar> bars = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            MetricsReport.Group g = groups.get(i);
            double gx = LEFT + i * groupWidth + 8;
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                Double v = s.value().apply(g.figures());
                double h = v == null || scale == 0 ? 0 : v / scale * CHART_HEIGHT;
                bars.add(new Bar(
                        gx + k * barWidth,
                        TOP + CHART_HEIGHT - h,
                        barWidth - 2,
                        h,
                        s.color(),
                        g.key() + " " + s.name() + ": "
                                + (v == null ? "no data" : String.format(Locale.ROOT, "%.2f %s", v, unit))));
            }
            labels.add(new Label(gx + series.size() * barWidth / 2.0, g.key()));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double v = scale * i / 4;
            ticks.add(new Tick(
                    TOP + CHART_HEIGHT - CHART_HEIGHT * i / 4,
                    v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v)));
        }
        List<Legend> legend = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            legend.add(new Legend(
                    series.get(k).name() + " (" + unit + ")", series.get(k).color(), LEFT + k * 120));
        }
        return new Chart(width, TOP + CHART_HEIGHT + 60, bars, labels, ticks, legend, max == 0);
    }

    /** 1, 2, 5 × 10^n at or above {@code max}. */
    static double niceMax(double max) {
        if (max <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= max) {
                return m * p;
            }
        }
        return 10 * p;
    }

    @Configuration(proxyBeanMethods = false)
    static class Navigation {
        @Bean
        NavEntry navMetrics() {
            return new NavEntry(NavEntry.GOVERN, "Metrics", "/metrics", Permission.INCIDENTS_READ, 25);
        }
    }
}
