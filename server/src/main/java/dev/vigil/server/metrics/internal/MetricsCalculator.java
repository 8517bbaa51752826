package dev.vigil.server.metrics.internal;

import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentMetricsQuery.IncidentRecord;
import dev.vigil.server.incidents.IncidentMetricsQuery.PhaseChange;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.metrics.MetricsReport.Deadlines;
import dev.vigil.server.metrics.MetricsReport.Figures;
import dev.vigil.server.metrics.MetricsReport.Group;
import dev.vigil.server.metrics.MetricsReport.Timing;
import dev.vigil.server.oncall.OnCallStatistics.PageFacts;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Computes a {@link MetricsReport} from incident and page records: a pure function (no clock, no database), with exact
 * instant arithmetic (millisecond precision, means over exact sums).
 */
final class MetricsCalculator {
    static final String NONE = "(none)";
    static final String NO_INCIDENT = "(no incident)";

    private MetricsCalculator() {}

    /**
     * A page with the incident it belongs to (null when its subject is not an incident of the period).
     */
    record LinkedPage(PageFacts page, IncidentRecord incident) {}

    static MetricsReport compute(
            Instant from, Instant to, Instant now, List<IncidentRecord> incidents, List<LinkedPage> pages) {
        // the phase an incident is still in counts up to the end of the report (or now, when that is earlier)
        Instant end = now.isBefore(to) ? now : to;
        Map<String, List<Group>> groups = new LinkedHashMap<>();
        groups.put("team", group(end, incidents, pages, r -> orNone(r.owningTeam()), p -> pageTeam(p), false));
        groups.put(
                "severity",
                group(
                        end,
                        incidents,
                        pages,
                        r -> r.facts().severity().id(),
                        p -> p.incident() != null
                                ? p.incident().facts().severity().id()
                                : p.page().severity().id(),
                        false));
        groups.put(
                "classification",
                group(
                        end,
                        incidents,
                        pages,
                        IncidentRecord::classification,
                        p -> p.incident() != null ? p.incident().classification() : NO_INCIDENT,
                        false));
        groups.put(
                "month",
                group(
                        end,
                        incidents,
                        pages,
                        r -> month(detected(r.facts())),
                        p -> month(p.page().createdAt()),
                        true));
        return new MetricsReport(from, to, now, figures(incidents, pages, end), groups);
    }

    private static String pageTeam(LinkedPage p) {
        if (p.page().team() != null) {
            return p.page().team();
        }
        return p.incident() == null ? NONE : orNone(p.incident().owningTeam());
    }

    private static String orNone(String s) {
        return s == null || s.isBlank() ? NONE : s;
    }

    static String month(Instant t) {
        return t == null ? NONE : YearMonth.from(t.atOffset(ZoneOffset.UTC)).toString();
    }

    private static Instant detected(IncidentFacts f) {
        return f.detectedAt();
    }

    private static List<Group> group(
            Instant end,
            List<IncidentRecord> incidents,
            List<LinkedPage> pages,
            Function<IncidentRecord, String> incidentKey,
            Function<LinkedPage, String> pageKey,
            boolean chronological) {
        Map<String, List<IncidentRecord>> is = new TreeMap<>();
        Map<String, List<LinkedPage>> ps = new TreeMap<>();
        for (IncidentRecord r : incidents) {
            is.computeIfAbsent(incidentKey.apply(r), k -> new ArrayList<>()).add(r);
        }
        for (LinkedPage p : pages) {
            ps.computeIfAbsent(pageKey.apply(p), k -> new ArrayList<>()).add(p);
        }
        TreeMap<String, Boolean> keys = new TreeMap<>();
        is.keySet().forEach(k -> keys.put(k, true));
        ps.keySet().forEach(k -> keys.put(k, true));
        List<Group> out = new ArrayList<>();
        for (String k : keys.keySet()) {
            out.add(new Group(k, figures(is.getOrDefault(k, List.of()), ps.getOrDefault(k, List.of()), end)));
        }
        if (!chronological) {
            out.sort(Comparator.comparing(Group::key));
        }
        return List.copyOf(out);
    }

    /**
     * @param end the end of the report: the phase an incident is still in (not closed) counts up to it; a closed
     *     incident's last phase up to its closing; post-incident never counts
     */
    static Figures figures(List<IncidentRecord> incidents, List<LinkedPage> pages, Instant end) {
        TimingBuilder d = new TimingBuilder();
        TimingBuilder a = new TimingBuilder();
        TimingBuilder c = new TimingBuilder();
        TimingBuilder r = new TimingBuilder();
        Map<String, TimingBuilder> phases = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            phases.put(p.id(), new TimingBuilder());
        }
        long due = 0;
        long onTime = 0;
        long late = 0;
        long overdue = 0;
        long rcaRequired = 0;
        long rcaDone = 0;
        for (IncidentRecord rec : incidents) {
            IncidentFacts f = rec.facts();
            d.add(f.occurredAt(), f.detectedAt());
            a.add(f.detectedAt(), f.acknowledgedAt());
            c.add(f.detectedAt(), f.containedAt());
            r.add(f.detectedAt(), f.resolvedAt());
            List<PhaseChange> ph = rec.phases();
            for (int i = 0; i < ph.size(); i++) {
                Instant left = i + 1 < ph.size()
                        ? ph.get(i + 1).at()
                        : (f.status() == IncidentStatus.CLOSED ? f.closedAt() : end);
                if (left != null
                        && ph.get(i).phase() != Phase.POST_INCIDENT
                        && !ph.get(i).at().isAfter(left)) {
                    phases.get(ph.get(i).phase().id()).add(ph.get(i).at(), left);
                }
            }
            due += f.stagesDue();
            onTime += f.stagesOnTime();
            late += f.stagesLate();
            overdue += f.stagesOverdue();
            boolean ended = f.status() == IncidentStatus.RESOLVED || f.status() == IncidentStatus.CLOSED;
            if (ended && !f.rca().equals("not-required")) {
                rcaRequired++;
                if (f.rca().equals("completed") || f.rca().equals("waived")) {
                    rcaDone++;
                }
            }
        }
        long afterHours = 0;
        long escalated = 0;
        long escalations = 0;
        TimingBuilder pageAck = new TimingBuilder();
        for (LinkedPage lp : pages) {
            PageFacts p = lp.page();
            afterHours += p.afterHours() ? 1 : 0;
            escalated += p.escalations() > 0 ? 1 : 0;
            escalations += p.escalations();
            pageAck.add(p.createdAt(), p.acknowledgedAt());
        }
        Map<String, Timing> phaseTimings = new LinkedHashMap<>();
        phases.forEach((k, v) -> phaseTimings.put(k, v.build()));
        long judged = onTime + late + overdue;
        return new Figures(
                incidents.size(),
                d.build(),
                a.build(),
                c.build(),
                r.build(),
                phaseTimings,
                new Deadlines(due, onTime, late, overdue, judged == 0 ? null : (double) onTime / judged),
                rcaRequired,
                rcaDone,
                rcaRequired == 0 ? null : (double) rcaDone / rcaRequired,
                pages.size(),
                afterHours,
                escalated,
                escalations,
                pageAck.build());
    }

    /** Collects durations between two instants; pairs with a missing end are not counted. */
    static final class TimingBuilder {
        private final List<Long> millis = new ArrayList<>();
        private long inconsistent;

        void add(Instant start, Instant end) {
            if (start == null || end == null) {
                return;
            }
            long ms = Duration.between(start, end).toMillis();
            if (ms < 0) {
                inconsistent++;
                return;
            }
            millis.add(ms);
        }

        Timing build() {
            if (millis.isEmpty()) {
                return new Timing(0, inconsistent, null, null, null);
            }
            List<Long> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            long sum = 0;
            for (long m : sorted) {
                sum += m;
            }
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
            return new Timing(n, inconsistent, sum / 1000.0 / n, median / 1000.0, sorted.get(n - 1) / 1000.0);
        }
    }

    static UUID uuidOrNull(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
