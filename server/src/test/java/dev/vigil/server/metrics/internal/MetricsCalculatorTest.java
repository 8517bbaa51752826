package dev.vigil.server.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentMetricsQuery.IncidentRecord;
import dev.vigil.server.incidents.IncidentMetricsQuery.PhaseChange;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.metrics.MetricsReport;
import dev.vigil.server.metrics.MetricsReport.Figures;
import dev.vigil.server.oncall.OnCallStatistics.PageFacts;
import dev.vigil.server.oncall.Severity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Known incidents and pages on a fixed clock; every figure checked to the second. */
class MetricsCalculatorTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    static Instant t(String s) {
        return Instant.parse(s);
    }

    static IncidentRecord incident(
            String ref,
            IncidentSeverity severity,
            String classification,
            String team,
            IncidentStatus status,
            String occurred,
            String detected,
            String acknowledged,
            String contained,
            String resolved,
            String closed,
            String rca,
            int[] stages,
            List<PhaseChange> phases) {
        IncidentFacts f = new IncidentFacts(
                UUID.randomUUID(),
                ref,
                severity,
                2,
                status,
                status == IncidentStatus.CLOSED ? Outcome.TRUE_POSITIVE_WITH_IMPACT : null,
                classification,
                null,
                null,
                occurred == null ? null : t(occurred),
                t(detected),
                acknowledged == null ? null : t(acknowledged),
                contained == null ? null : t(contained),
                resolved == null ? null : t(resolved),
                closed == null ? null : t(closed),
                rca,
                stages[0],
                stages[1],
                stages[2],
                stages[3]);
        return new IncidentRecord(f, classification, team, phases);
    }

    static PageFacts page(String team, String created, String ack, boolean afterHours, int escalations) {
        return new PageFacts(
                UUID.randomUUID(),
                "incident",
                UUID.randomUUID().toString(),
                Severity.HIGH,
                team,
                t(created),
                ack == null ? null : t(ack),
                null,
                afterHours,
                escalations,
                false);
    }

    @Test
    void figuresAreExactOverKnownIncidentsAndPages() {
        // INC-1: high, occurred 10:00, detected 12:30 (dwell 2h30), ack 12:40, contained 14:30, resolved 18:30, closed
        IncidentRecord one = incident(
                "INC-1",
                IncidentSeverity.HIGH,
                "intrusions/system-compromise",
                "soc",
                IncidentStatus.CLOSED,
                "2026-11-02T10:00:00Z",
                "2026-11-02T12:30:00Z",
                "2026-11-02T12:40:00Z",
                "2026-11-02T14:30:00Z",
                "2026-11-02T18:30:00Z",
                "2026-11-03T09:00:00Z",
                "completed",
                new int[] {2, 1, 1, 0},
                List.of(
                        new PhaseChange(Phase.DETECTION_ANALYSIS, t("2026-11-02T12:30:00Z")),
                        new PhaseChange(Phase.CONTAINMENT, t("2026-11-02T13:30:00Z")),
                        new PhaseChange(Phase.RECOVERY, t("2026-11-02T18:30:00Z")),
                        new PhaseChange(Phase.POST_INCIDENT, t("2026-11-03T09:00:00Z"))));
        // INC-2: low, occurred unknown, detected 09:00, ack 09:20 (20 min), resolved 11:00 (2 h), no RCA needed
        IncidentRecord two = incident(
                "INC-2",
                IncidentSeverity.LOW,
                "fraud/phishing",
                "soc",
                IncidentStatus.RESOLVED,
                null,
                "2026-11-20T09:00:00Z",
                "2026-11-20T09:20:00Z",
                null,
                "2026-11-20T11:00:00Z",
                null,
                "not-required",
                new int[] {0, 0, 0, 0},
                List.of(
                        new PhaseChange(Phase.DETECTION_ANALYSIS, t("2026-11-20T09:00:00Z")),
                        new PhaseChange(Phase.RECOVERY, t("2026-11-20T11:00:00Z"))));
        // INC-3: critical, October, occurred after detected (a data error), resolved without RCA, one overdue stage
        IncidentRecord three = incident(
                "INC-3",
                IncidentSeverity.CRITICAL,
                "availability/ddos",
                null,
                IncidentStatus.RESOLVED,
                "2026-10-30T08:00:00Z",
                "2026-10-30T07:00:00Z",
                "2026-10-30T07:03:00Z",
                null,
                "2026-10-30T09:00:00Z",
                null,
                "missing",
                new int[] {1, 0, 0, 1},
                List.of(new PhaseChange(Phase.DETECTION_ANALYSIS, t("2026-10-30T07:00:00Z"))));
        List<MetricsCalculator.LinkedPage> pages = List.of(
                new MetricsCalculator.LinkedPage(
                        page("soc", "2026-11-02T12:31:00Z", "2026-11-02T12:40:00Z", true, 2), one),
                new MetricsCalculator.LinkedPage(
                        page(null, "2026-11-20T09:01:00Z", "2026-11-20T09:02:00Z", false, 0), two),
                new MetricsCalculator.LinkedPage(page(null, "2026-11-25T03:00:00Z", null, true, 1), null));

        MetricsReport r = MetricsCalculator.compute(
                t("2026-10-01T00:00:00Z"), CLOCK.instant(), CLOCK.instant(), List.of(one, two, three), pages);
        Figures o = r.overall();
        assertThat(o.incidents()).isEqualTo(3);
        // MTTD: only INC-1 (INC-2 has no occurred time, INC-3's is inconsistent and reported as such)
        assertThat(o.mttd().count()).isEqualTo(1);
        assertThat(o.mttd().inconsistent()).isEqualTo(1);
        assertThat(o.mttd().meanSeconds()).isEqualTo(9000.0);
        // MTTA: 10 min, 20 min, 3 min -> mean 11 min, median 10 min, max 20 min
        assertThat(o.mtta().count()).isEqualTo(3);
        assertThat(o.mtta().meanSeconds()).isEqualTo(660.0);
        assertThat(o.mtta().medianSeconds()).isEqualTo(600.0);
        assertThat(o.mtta().maxSeconds()).isEqualTo(1200.0);
        // MTTC: only INC-1, 2 h
        assertThat(o.mttc().meanSeconds()).isEqualTo(7200.0);
        // MTTR: 6 h, 2 h, 2 h -> mean 3 h 20 min, median 2 h
        assertThat(o.mttr().meanSeconds()).isEqualTo(12000.0);
        assertThat(o.mttr().medianSeconds()).isEqualTo(7200.0);
        // time in phases: detection-analysis 1 h (INC-1), 2 h (INC-2) and INC-3's, still in it, up to the end of the
        // report (2026-12-01: 31 d 17 h); containment 5 h; recovery 14.5 h (INC-1 until post-incident) and INC-2's,
        // still in it, up to the end (10 d 13 h)
        assertThat(o.phases().get("detection-analysis").count()).isEqualTo(3);
        assertThat(o.phases().get("detection-analysis").meanSeconds()).isEqualTo((3600.0 + 7200 + 2_739_600) / 3);
        assertThat(o.phases().get("containment").meanSeconds()).isEqualTo(18000.0);
        assertThat(o.phases().get("recovery").count()).isEqualTo(2);
        assertThat(o.phases().get("recovery").meanSeconds()).isEqualTo((52200.0 + 910_800) / 2);
        assertThat(o.phases().get("eradication").count()).isZero();
        assertThat(o.phases().get("eradication").meanSeconds()).isNull();
        // deadlines: 3 due; 1 on time, 1 late, 1 overdue
        assertThat(o.deadlines().due()).isEqualTo(3);
        assertThat(o.deadlines().compliance()).isEqualTo(1.0 / 3);
        // RCA: INC-1 completed, INC-3 missing; INC-2 needs none
        assertThat(o.rcaRequired()).isEqualTo(2);
        assertThat(o.rcaDone()).isEqualTo(1);
        assertThat(o.rcaCompletion()).isEqualTo(0.5);
        // pages: 3, 2 after hours, 2 escalated with 3 steps; acknowledged after 9 and 1 min
        assertThat(o.pages()).isEqualTo(3);
        assertThat(o.pagesAfterHours()).isEqualTo(2);
        assertThat(o.pagesEscalated()).isEqualTo(2);
        assertThat(o.escalations()).isEqualTo(3);
        assertThat(o.pageAck().count()).isEqualTo(2);
        assertThat(o.pageAck().meanSeconds()).isEqualTo(300.0);

        // per month: by detection; pages by their own creation time
        assertThat(r.groups().get("month")).extracting(MetricsReport.Group::key).containsExactly("2026-10", "2026-11");
        Figures nov = r.groups().get("month").get(1).figures();
        assertThat(nov.incidents()).isEqualTo(2);
        assertThat(nov.mttr().meanSeconds()).isEqualTo(14400.0);
        assertThat(nov.pages()).isEqualTo(3);
        // per severity: pages follow their incident; the unlinked page keeps its own severity
        assertThat(r.groups().get("severity"))
                .extracting(MetricsReport.Group::key)
                .containsExactly("critical", "high", "low");
        Figures high = group(r, "severity", "high");
        assertThat(high.incidents()).isEqualTo(1);
        assertThat(high.pages()).isEqualTo(2); // INC-1's page and the unlinked high page
        assertThat(group(r, "severity", "critical").mtta().meanSeconds()).isEqualTo(180.0);
        // per team: INC-3 has none; the page without a team follows its incident's team
        assertThat(r.groups().get("team")).extracting(MetricsReport.Group::key).containsExactly("(none)", "soc");
        assertThat(group(r, "team", "soc").incidents()).isEqualTo(2);
        assertThat(group(r, "team", "soc").pages()).isEqualTo(2);
        assertThat(group(r, "team", "(none)").pages()).isEqualTo(1);
        // per classification
        assertThat(group(r, "classification", "fraud/phishing").mtta().meanSeconds())
                .isEqualTo(1200.0);
        assertThat(group(r, "classification", "(no incident)").pages()).isEqualTo(1);
    }

    @Test
    void anEmptyPeriodHasNoFiguresRatherThanZeros() {
        MetricsReport r = MetricsCalculator.compute(
                CLOCK.instant().minusSeconds(3600), CLOCK.instant(), CLOCK.instant(), List.of(), List.of());
        assertThat(r.overall().incidents()).isZero();
        assertThat(r.overall().mttr().meanSeconds()).isNull();
        assertThat(r.overall().rcaCompletion()).isNull();
        assertThat(r.overall().deadlines().compliance()).isNull();
        assertThat(r.groups().get("month")).isEmpty();
    }

    private static Figures group(MetricsReport r, String dimension, String key) {
        return r.groups().get(dimension).stream()
                .filter(g -> g.key().equals(key))
                .findFirst()
                .orElseThrow()
                .figures();
    }
}
