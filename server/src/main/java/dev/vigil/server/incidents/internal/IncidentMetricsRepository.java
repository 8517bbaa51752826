package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentMetricsQuery;
import dev.vigil.server.incidents.IncidentStatistics;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.Phase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * {@link IncidentMetricsQuery}: {@link IncidentStatistics#facts} joined with the current classification, the owning
 * team and the recorded phase changes ({@code incident_phase_changes}, written beside each timeline entry).
 */
@Service
class IncidentMetricsRepository implements IncidentMetricsQuery {
    private final IncidentStatistics statistics;
    private final JdbcClient jdbc;

    IncidentMetricsRepository(IncidentStatistics statistics, JdbcClient jdbc) {
        this.statistics = statistics;
        this.jdbc = jdbc;
    }

    private record Attributes(String classification, String owningTeam, Instant createdAt, Phase phase) {}

    @Override
    public Map<String, RuleOutcomes> outcomesByRule() {
        Map<String, RuleOutcomes> out = new HashMap<>();
        jdbc.sql("""
                        select a.rule_id,
                               sum(1 + a.duplicate_count) as judged,
                               coalesce(sum(1 + a.duplicate_count) filter (where i.outcome = 'false-positive'), 0) as fp
                        from incident_alerts a join incidents i on i.id = a.incident_id
                        where a.duplicate_of is null and i.outcome is not null and i.status in ('resolved', 'closed')
                          and i.exercise_id is null
                        group by a.rule_id""").query(rs -> {
            out.put(rs.getString("rule_id"), new RuleOutcomes(rs.getLong("judged"), rs.getLong("fp")));
        });
        return out;
    }

    @Override
    public List<IncidentRecord> incidents(Instant from, Instant to) {
        if (from == null || to == null || !to.isAfter(from)) {
            throw new IllegalArgumentException("the period needs from before to");
        }
        Map<UUID, Attributes> attributes = new HashMap<>();
        jdbc.sql("""
                        select id, class_key, type_key, owning_team, created_at, phase from incidents
                        where created_at >= ? and created_at < ? and exercise_id is null""").params(Timestamp.from(from), Timestamp.from(to)).query(rs -> {
            String c = rs.getString("class_key");
            String t = rs.getString("type_key");
            attributes.put(
                    rs.getObject("id", UUID.class),
                    new Attributes(
                            c == null || t == null ? "other/undetermined" : c + "/" + t,
                            rs.getString("owning_team"),
                            rs.getTimestamp("created_at").toInstant(),
                            Phase.parse(rs.getString("phase"))));
        });
        Map<UUID, List<String[]>> changes = new HashMap<>();
        Map<UUID, List<Instant>> changedAt = new HashMap<>();
        jdbc.sql("""
                        select c.incident_id, c.at, c.from_phase, c.to_phase from incident_phase_changes c
                        join incidents i on i.id = c.incident_id
                        where i.created_at >= ? and i.created_at < ? and i.exercise_id is null
                        order by c.incident_id, c.at, c.id""").params(Timestamp.from(from), Timestamp.from(to)).query(rs -> {
            UUID id = rs.getObject("incident_id", UUID.class);
            changes.computeIfAbsent(id, k -> new ArrayList<>())
                    .add(new String[] {rs.getString("from_phase"), rs.getString("to_phase")});
            changedAt
                    .computeIfAbsent(id, k -> new ArrayList<>())
                    .add(rs.getTimestamp("at").toInstant());
        });
        List<IncidentRecord> out = new ArrayList<>();
        for (IncidentFacts f : statistics.facts(from, to)) {
            Attributes a = attributes.get(f.id());
            if (a == null || f.status() == IncidentStatus.MERGED) {
                continue;
            }
            List<PhaseChange> phases = new ArrayList<>();
            List<String[]> ch = changes.getOrDefault(f.id(), List.of());
            List<Instant> at = changedAt.getOrDefault(f.id(), List.of());
            phases.add(new PhaseChange(ch.isEmpty() ? a.phase() : Phase.parse(ch.getFirst()[0]), a.createdAt()));
            for (int i = 0; i < ch.size(); i++) {
                phases.add(new PhaseChange(Phase.parse(ch.get(i)[1]), at.get(i)));
            }
            out.add(new IncidentRecord(f, a.classification(), a.owningTeam(), List.copyOf(phases)));
        }
        return out;
    }
}
