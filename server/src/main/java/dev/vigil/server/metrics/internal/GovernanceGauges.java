package dev.vigil.server.metrics.internal;

import dev.vigil.server.assessment.Assessment;
import dev.vigil.server.assessment.AssessmentService;
import dev.vigil.server.assessment.QuestionResult;
import dev.vigil.server.assessment.SammQuestion;
import dev.vigil.server.governance.ChecklistEntry;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.GovernanceService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Registers the governance gauges. One {@link Values} snapshot is computed at most once per minute (on the first
 * scrape after it expired); a failure keeps the previous values, so a scrape never fails because of it.
 */
@Component
class GovernanceGauges implements SmartInitializingSingleton {
    static final Duration TTL = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final AssessmentService assessments;
    private final GovernanceService governance;
    private final DetectionChecklist checklist;
    private final Clock clock;
    private volatile Values values;

    record Values(
            Instant at,
            Assessment assessment,
            long openDefects,
            long overdueReviews,
            long managedCovered,
            long managedGaps) {}

    GovernanceGauges(
            MeterRegistry registry,
            AssessmentService assessments,
            GovernanceService governance,
            DetectionChecklist checklist,
            Clock clock) {
        this.registry = registry;
        this.assessments = assessments;
        this.governance = governance;
        this.checklist = checklist;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        gauge(
                "vigil.samm.score",
                "practice",
                "SAMM Incident Management practice score (0-3)",
                v -> v.assessment().score());
        gauge(
                "vigil.samm.score",
                "A",
                "SAMM IM stream A (incident detection) score (0-3)",
                v -> v.assessment().streamA());
        gauge(
                "vigil.samm.score",
                "B",
                "SAMM IM stream B (incident response) score (0-3)",
                v -> v.assessment().streamB());
        for (SammQuestion q : SammQuestion.ALL) {
            Gauge.builder("vigil.samm.answer", this, g -> g.read(v -> answer(v.assessment(), q.id())))
                    .tag("question", q.id())
                    .description("SAMM answer value (0, 0.25, 0.5, 1) of " + q.id())
                    .register(registry);
        }
        Gauge.builder("vigil.governance.log.defects.open", this, g -> g.read(v -> v.openDefects()))
                .description("open missing-log defects")
                .register(registry);
        Gauge.builder("vigil.governance.process.reviews.overdue", this, g -> g.read(v -> v.overdueReviews()))
                .description("processes whose review is overdue")
                .register(registry);
        Gauge.builder("vigil.governance.checklist.entries", this, g -> g.read(v -> v.managedCovered()))
                .tag("state", "covered")
                .description("managed checklist entries by state")
                .register(registry);
        Gauge.builder("vigil.governance.checklist.entries", this, g -> g.read(v -> v.managedGaps()))
                .tag("state", "gap")
                .description("managed checklist entries by state")
                .register(registry);
    }

    private void gauge(String name, String stream, String description, ToDoubleFunction<Values> f) {
        Gauge.builder(name, this, g -> g.read(f))
                .tag("stream", stream)
                .description(description)
                .register(registry);
    }

    private static double answer(Assessment a, String id) {
        for (QuestionResult q : a.questions()) {
            if (q.id().equals(id)) {
                return q.value();
            }
        }
        return Double.NaN;
    }

    double read(ToDoubleFunction<Values> f) {
        Values v = current();
        return v == null ? Double.NaN : f.applyAsDouble(v);
    }

    private synchronized Values current() {
        Instant now = clock.instant();
        if (values != null && values.at().plus(TTL).isAfter(now)) {
            return values;
        }
        try {
            long managedCovered = 0;
            long gaps = 0;
            for (ChecklistEntry e : checklist.checklist(now).entries()) {
                if (e.managed()) {
                    if (e.covered()) {
                        managedCovered++;
                    } else {
                        gaps++;
                    }
                }
            }
            values = new Values(
                    now,
                    assessments.compute(now),
                    checklist.defects("open").size(),
                    governance.processes().stream()
                            .filter(p -> p.reviewOverdue(now))
                            .count(),
                    managedCovered,
                    gaps);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(GovernanceGauges.class)
                    .warn("governance metrics could not be computed: {}", e.toString());
        }
        return values;
    }
}
