package dev.vigil.server.assessment.internal;

import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentMetricsQuery;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.Playbook;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.oncall.OnCallStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The {@link ResponseFactsSource} of an installation with the incidents and on-call modules: incident records of the
 * last year ({@link IncidentMetricsQuery}), the active playbooks ({@link PlaybookService}) and the on-call gap report
 * and escalation policies of the last 30 days ({@link OnCallStatistics}). A module that is absent leaves its facts
 * "not available" rather than "none".
 */
@Component
class IncidentResponseFacts implements ResponseFactsSource {
    static final Duration ON_CALL_PERIOD = Duration.ofDays(30);

    private final ObjectProvider<IncidentMetricsQuery> incidents;
    private final ObjectProvider<PlaybookService> playbooks;
    private final ObjectProvider<OnCallStatistics> onCall;

    IncidentResponseFacts(
            ObjectProvider<IncidentMetricsQuery> incidents,
            ObjectProvider<PlaybookService> playbooks,
            ObjectProvider<OnCallStatistics> onCall) {
        this.incidents = incidents;
        this.playbooks = playbooks;
        this.onCall = onCall;
    }

    @Override
    public Facts.ResponseFacts facts(Instant asOf, Set<String> raciTypes, boolean forensicTooling) {
        IncidentMetricsQuery query = incidents.getIfAvailable();
        PlaybookService playbookService = playbooks.getIfAvailable();
        OnCallStatistics stats = onCall.getIfAvailable();

        boolean incidentsAvailable = query != null;
        long total = 0;
        long responded = 0;
        long classified = 0;
        long highEnded = 0;
        long highWithRca = 0;
        long closed = 0;
        long closedWithRca = 0;
        List<String> highWithoutRca = new ArrayList<>();
        List<String> closedWithoutRca = new ArrayList<>();
        Set<String> types = new TreeSet<>(raciTypes);
        Set<String> appliedTypes = new HashSet<>();
        if (query != null) {
            for (IncidentMetricsQuery.IncidentRecord r : query.incidents(asOf.minus(SammEvaluator.YEAR), asOf)) {
                IncidentFacts f = r.facts();
                total++;
                if (f.acknowledgedAt() != null || f.containedAt() != null || f.resolvedAt() != null) {
                    responded++;
                }
                boolean known = !r.classification().equals("other/undetermined");
                if (known) {
                    classified++;
                    types.add(r.classification());
                    if (f.playbook() != null) {
                        appliedTypes.add(r.classification() + "\u0000" + f.playbook());
                    }
                }
                boolean rca = f.rca().equals("completed") || f.rca().equals("waived");
                boolean ended = f.status() == IncidentStatus.RESOLVED || f.status() == IncidentStatus.CLOSED;
                boolean high = f.severity() == IncidentSeverity.HIGH || f.severity() == IncidentSeverity.CRITICAL;
                if (high && ended) {
                    highEnded++;
                    if (rca) {
                        highWithRca++;
                    } else {
                        highWithoutRca.add(f.reference());
                    }
                }
                boolean noRcaNeeded = f.outcome() == Outcome.FALSE_POSITIVE || f.outcome() == Outcome.BENIGN;
                if (f.status() == IncidentStatus.CLOSED && !noRcaNeeded) {
                    closed++;
                    if (rca) {
                        closedWithRca++;
                    } else {
                        closedWithoutRca.add(f.reference());
                    }
                }
            }
        }
        Set<String> withPlaybook = new TreeSet<>();
        if (playbookService != null) {
            Set<String> applies = new HashSet<>();
            Set<String> activeKeys = new HashSet<>();
            for (Playbook p : playbookService.list(false)) {
                if (!p.active()) {
                    continue;
                }
                activeKeys.add(p.key());
                if (p.appliesWhen() != null && p.appliesWhen().classifications() != null) {
                    applies.addAll(p.appliesWhen().classifications());
                }
            }
            for (String type : types) {
                if (covers(applies, type)) {
                    withPlaybook.add(type);
                }
            }
            for (String applied : appliedTypes) {
                int nul = applied.indexOf('\u0000');
                if (activeKeys.contains(applied.substring(nul + 1))) {
                    withPlaybook.add(applied.substring(0, nul));
                }
            }
        }

        long onCallMinutes = 0;
        long fallbackMinutes = 0;
        long periodMinutes = 0;
        Instant from = asOf.minus(ON_CALL_PERIOD);
        List<Facts.ScheduleRef> schedules = new ArrayList<>();
        int policies = 0;
        if (stats != null) {
            OnCallStatistics.Coverage c = stats.coverage(from, asOf);
            onCallMinutes = c.onCall().toMinutes();
            fallbackMinutes = c.fallbackOnly().toMinutes();
            periodMinutes = c.total().toMinutes();
            for (OnCallStatistics.ScheduleCoverage s : c.schedules()) {
                schedules.add(new Facts.ScheduleRef(
                        s.scheduleId(), s.name(), s.gaps().toMinutes(), s.fallbackUserId() != null));
            }
            policies = stats.policies().size();
        }
        return new Facts.ResponseFacts(
                incidentsAvailable,
                total,
                responded,
                classified,
                Set.copyOf(types),
                Set.copyOf(withPlaybook),
                highEnded,
                highWithRca,
                List.copyOf(highWithoutRca),
                closed,
                closedWithRca,
                List.copyOf(closedWithoutRca),
                stats != null,
                onCallMinutes,
                fallbackMinutes,
                periodMinutes,
                from,
                List.copyOf(schedules),
                policies,
                forensicTooling);
    }

    /**
     * Whether a playbook for {@code applies} (its {@code class} or {@code class/type} entries) covers an incident type
     * ({@code class/type} of an incident, or an RSIT class of the RACI).
     */
    static boolean covers(Set<String> applies, String type) {
        if (applies.contains(type)) {
            return true;
        }
        int slash = type.indexOf('/');
        if (slash >= 0) {
            return applies.contains(type.substring(0, slash));
        }
        return applies.stream().anyMatch(a -> a.startsWith(type + "/"));
    }
}
