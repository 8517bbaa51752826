package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;

/** RCAs in {@code incident_rca}; audited, and every state change is written to the timeline. */
@Service
class DefaultRcaService implements RcaService {
    static final Set<String> CAUSE_CATEGORIES = Set.of("people", "process", "technology", "third-party", "external");
    private static final TypeReference<List<Rca.Cause>> CAUSES = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<List<Rca.CorrectiveAction>> ACTIONS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final Timeline timeline;
    private final IncidentRepository incidents;
    private final IncidentProperties properties;

    DefaultRcaService(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            Timeline timeline,
            IncidentRepository incidents,
            IncidentProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.timeline = timeline;
        this.incidents = incidents;
        this.properties = properties;
    }

    @Override
    public Optional<Rca> get(UUID incidentId) {
        return jdbc.sql("select * from incident_rca where incident_id = ?")
                .param(incidentId)
                .query((rs, n) -> map(rs))
                .optional();
    }

    @Override
    @Transactional
    public Rca save(UUID incidentId, Draft draft) {
        incidents.lock(incidentId);
        Draft d = clean(draft);
        Optional<Rca> before = get(incidentId);
        boolean stillComplete =
                before.map(Rca::completed).orElse(false) && missing(d).isEmpty();
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into incident_rca (incident_id, summary, causes, contributing, corrective_actions, lessons,
                            completed_at, completed_by, updated_at, updated_by)
                        values (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)
                        on conflict (incident_id) do update set summary = excluded.summary, causes = excluded.causes,
                            contributing = excluded.contributing, corrective_actions = excluded.corrective_actions,
                            lessons = excluded.lessons, completed_at = excluded.completed_at,
                            completed_by = excluded.completed_by, updated_at = excluded.updated_at,
                            updated_by = excluded.updated_by""")
                .params(
                        incidentId,
                        d.summary(),
                        IncidentYaml.JSON.writeValueAsString(d.causes()),
                        IncidentYaml.JSON.writeValueAsString(d.contributingFactors()),
                        IncidentYaml.JSON.writeValueAsString(d.correctiveActions()),
                        d.lessonsLearned(),
                        stillComplete ? Timestamp.from(before.get().completedAt()) : null,
                        stillComplete ? before.get().completedBy() : null,
                        Timestamp.from(now),
                        Timeline.actorName())
                .update();
        Rca after = get(incidentId).orElseThrow();
        if (before.isEmpty()) {
            timeline.auto(incidentId, "rca", "Root-cause analysis started", null);
        }
        audit.record("incident.rca.save", "incident", incidentId.toString(), before.orElse(null), after);
        return after;
    }

    private static Draft clean(Draft d) {
        if (d == null) {
            throw new IllegalArgumentException("an RCA is required");
        }
        List<Rca.Cause> causes = new ArrayList<>();
        for (Rca.Cause c : d.causes() == null ? List.<Rca.Cause>of() : d.causes()) {
            String cat = c.category() == null ? null : c.category().strip().toLowerCase(Locale.ROOT);
            if (cat == null || !CAUSE_CATEGORIES.contains(cat)) {
                throw new IllegalArgumentException("cause category must be one of people, process, technology, "
                        + "third-party, external (got '" + c.category() + "')");
            }
            causes.add(new Rca.Cause(cat, Texts.required(c.description(), "cause description", 4000)));
        }
        List<Rca.CorrectiveAction> actions = new ArrayList<>();
        for (Rca.CorrectiveAction a :
                d.correctiveActions() == null ? List.<Rca.CorrectiveAction>of() : d.correctiveActions()) {
            String status = a.status() == null ? "open" : a.status().strip().toLowerCase(Locale.ROOT);
            if (!status.equals("open") && !status.equals("done")) {
                throw new IllegalArgumentException("corrective action status must be open or done");
            }
            actions.add(new Rca.CorrectiveAction(
                    Texts.required(a.action(), "corrective action", 4000),
                    Texts.optional(a.owner(), "owner", 200),
                    a.due(),
                    status));
        }
        return new Draft(
                Texts.optional(d.summary(), "summary", 20000),
                causes,
                Texts.list(d.contributingFactors(), "contributing factors", false),
                actions,
                Texts.optional(d.lessonsLearned(), "lessons learned", 20000));
    }

    @Override
    public List<String> missing(Draft d) {
        List<String> m = new ArrayList<>();
        if (d.summary() == null || d.summary().isBlank()) {
            m.add("summary");
        }
        if (d.causes() == null || d.causes().isEmpty()) {
            m.add("at least one root cause");
        }
        if (d.correctiveActions() == null || d.correctiveActions().isEmpty()) {
            m.add("at least one corrective action");
        } else {
            for (Rca.CorrectiveAction a : d.correctiveActions()) {
                if (a.owner() == null || a.due() == null) {
                    m.add("an owner and a due date for corrective action '" + a.action() + "'");
                }
            }
        }
        if (d.lessonsLearned() == null || d.lessonsLearned().isBlank()) {
            m.add("lessons learned");
        }
        return m;
    }

    @Override
    @Transactional
    public Rca complete(UUID incidentId) {
        incidents.lock(incidentId);
        Rca before = get(incidentId).orElseThrow(() -> new IllegalStateException("no root-cause analysis yet"));
        List<String> missing = missing(new Draft(
                before.summary(),
                before.causes(),
                before.contributingFactors(),
                before.correctiveActions(),
                before.lessonsLearned()));
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    "the root-cause analysis is not complete: missing " + String.join(", ", missing));
        }
        jdbc.sql("update incident_rca set completed_at = ?, completed_by = ? where incident_id = ?")
                .params(Timestamp.from(clock.instant()), Timeline.actorName(), incidentId)
                .update();
        Rca after = get(incidentId).orElseThrow();
        timeline.auto(incidentId, "rca", "Root-cause analysis completed", before.summary());
        audit.record("incident.rca.complete", "incident", incidentId.toString(), before, after);
        return after;
    }

    @Override
    @Transactional
    public Rca waive(UUID incidentId, String reason) {
        incidents.lock(incidentId);
        String why = Texts.required(reason, "reason for waiving the RCA", 4000);
        Optional<Rca> before = get(incidentId);
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into incident_rca (incident_id, waived_reason, waived_by, waived_at, updated_at,
                            updated_by)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (incident_id) do update set waived_reason = excluded.waived_reason,
                            waived_by = excluded.waived_by, waived_at = excluded.waived_at,
                            updated_at = excluded.updated_at, updated_by = excluded.updated_by""")
                .params(
                        incidentId,
                        why,
                        Timeline.actorName(),
                        Timestamp.from(now),
                        Timestamp.from(now),
                        Timeline.actorName())
                .update();
        Rca after = get(incidentId).orElseThrow();
        timeline.auto(incidentId, "rca", "Root-cause analysis waived", why);
        audit.record("incident.rca.waive", "incident", incidentId.toString(), before.orElse(null), after);
        return after;
    }

    @Override
    public boolean required(Incident incident) {
        List<String> cfg = properties.rcaRequiredFor();
        return cfg.contains("all") || cfg.contains(incident.severity().id());
    }

    /**
     * The RCA state of each of {@code incidentIds} that has an RCA, in one query: {@code completed} or {@code waived}
     * (completed wins), absent when the RCA is still a draft or there is none. Lists (incident facts) read a page's
     * states with this instead of one {@link #get} per incident.
     */
    Map<UUID, String> states(java.util.Collection<UUID> incidentIds) {
        Map<UUID, String> out = new java.util.HashMap<>();
        if (incidentIds.isEmpty()) {
            return out;
        }
        jdbc.sql("""
                        select incident_id, completed_at is not null as completed, waived_at is not null as waived
                        from incident_rca where incident_id = any(?)""").param(incidentIds.toArray(UUID[]::new)).query(rs -> {
            String state = rs.getBoolean("completed") ? "completed" : rs.getBoolean("waived") ? "waived" : null;
            if (state != null) {
                out.put(rs.getObject("incident_id", UUID.class), state);
            }
        });
        return out;
    }

    /** Whether the RCA gate is satisfied (completed or waived). */
    boolean done(UUID incidentId) {
        return get(incidentId).map(r -> r.completed() || r.waived()).orElse(false);
    }

    private static Rca map(ResultSet rs) throws SQLException {
        return new Rca(
                rs.getObject("incident_id", UUID.class),
                rs.getString("summary"),
                IncidentYaml.JSON.readValue(rs.getString("causes"), CAUSES),
                IncidentYaml.JSON.readValue(rs.getString("contributing"), STRINGS),
                IncidentYaml.JSON.readValue(rs.getString("corrective_actions"), ACTIONS),
                rs.getString("lessons"),
                IncidentRepository.instant(rs, "completed_at"),
                rs.getString("completed_by"),
                rs.getString("waived_reason"),
                rs.getString("waived_by"),
                IncidentRepository.instant(rs, "waived_at"),
                IncidentRepository.instant(rs, "updated_at"),
                rs.getString("updated_by"));
    }
}
