package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentMetricsQuery;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Phase changes are recorded as rows (not parsed from the timeline's text) and feed the metrics' time in phase. */
@VigilServerTest
class PhaseChangeRecordTest {
    @Autowired
    IncidentService incidents;

    @Autowired
    IncidentMetricsQuery metrics;

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyPhaseChangeIsRecordedStructurallyAndReadByTheMetrics() {
        Instant from = Instant.now().minusSeconds(5);
        Incident i = incidents.create(new NewIncident(
                "Phase record " + from,
                null,
                IncidentSeverity.LOW,
                null,
                new Classification("fraud", "phishing"),
                null,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null));
        incidents.update(i.id(), IncidentLifecycleTest.phase(Phase.CONTAINMENT, null));
        incidents.update(i.id(), IncidentLifecycleTest.phase(Phase.ERADICATION, null));
        // going back needs a reason, and is recorded like any change
        incidents.update(i.id(), IncidentLifecycleTest.phase(Phase.CONTAINMENT, "reinfected"));

        List<String> rows = jdbc.sql(
                        "select from_phase || '>' || to_phase from incident_phase_changes where incident_id = ? order by at, id")
                .param(i.id())
                .query(String.class)
                .list();
        assertThat(rows)
                .containsExactly(
                        "detection-analysis>containment", "containment>eradication", "eradication>containment");

        IncidentMetricsQuery.IncidentRecord record =
                metrics.incidents(from, Instant.now().plus(Duration.ofMinutes(1))).stream()
                        .filter(r -> r.facts().id().equals(i.id()))
                        .findFirst()
                        .orElseThrow();
        assertThat(record.phases())
                .extracting(IncidentMetricsQuery.PhaseChange::phase)
                .containsExactly(Phase.DETECTION_ANALYSIS, Phase.CONTAINMENT, Phase.ERADICATION, Phase.CONTAINMENT);
    }
}
