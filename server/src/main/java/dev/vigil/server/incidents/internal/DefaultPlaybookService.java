package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.incidents.Playbook;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Versioned playbooks in {@code playbooks}; applying one creates tasks and attaches stakeholder obligations. */
@Service
class DefaultPlaybookService implements PlaybookService {
    static final Set<String> CLOSE_FIELDS = Set.of(
            "outcome",
            "final-classification",
            "lead",
            "applications",
            "assets",
            "observables",
            "techniques",
            "data-types",
            "jurisdictions",
            "occurred-at",
            "contained-at",
            "rca");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final Timeline timeline;
    private final IncidentRepository incidents;
    private final DefaultTaskService tasks;
    private final DefaultObligationService obligations;
    private final JdbcTaxonomyService taxonomy;

    DefaultPlaybookService(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            Timeline timeline,
            IncidentRepository incidents,
            DefaultTaskService tasks,
            DefaultObligationService obligations,
            JdbcTaxonomyService taxonomy) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.timeline = timeline;
        this.incidents = incidents;
        this.tasks = tasks;
        this.obligations = obligations;
        this.taxonomy = taxonomy;
    }

    /** The YAML document of a playbook. */
    record Doc(
            String key,
            String name,
            String scenario,
            Playbook.AppliesWhen appliesWhen,
            List<Playbook.Task> tasks,
            List<String> requiredBeforeClose,
            List<Playbook.StakeholderRule> stakeholders) {}

    @Override
    public List<Playbook> list(boolean includeRetired) {
        return jdbc.sql("""
                        select distinct on (key) * from playbooks order by key, version desc""").query((rs, n) -> map(rs)).list().stream()
                .filter(p -> includeRetired || p.active())
                .sorted((a, b) -> a.name().compareToIgnoreCase(b.name()))
                .toList();
    }

    @Override
    public Optional<Playbook> get(String key) {
        return jdbc.sql("select * from playbooks where key = ? order by version desc limit 1")
                .param(key)
                .query((rs, n) -> map(rs))
                .optional();
    }

    @Override
    public Optional<Playbook> get(String key, int version) {
        return jdbc.sql("select * from playbooks where key = ? and version = ?")
                .params(key, version)
                .query((rs, n) -> map(rs))
                .optional();
    }

    @Override
    public List<Playbook> versions(String key) {
        return jdbc.sql("select * from playbooks where key = ? order by version desc")
                .param(key)
                .query((rs, n) -> map(rs))
                .list();
    }

    @Override
    @Transactional
    public Playbook save(String yaml) {
        Playbook p = store(yaml, false, Timeline.actorName());
        return p;
    }

    /** Validates and stores a new version when the content changed; returns the newest version. */
    Playbook store(String yaml, boolean builtin, String by) {
        Doc doc = parse(yaml);
        Optional<Playbook> newest = get(doc.key());
        String definition = IncidentYaml.json(doc);
        if (newest.isPresent() && IncidentYaml.json(toDoc(newest.get())).equals(definition)) {
            return newest.get();
        }
        int version = newest.map(p -> p.version() + 1).orElse(1);
        jdbc.sql("""
                        insert into playbooks (key, version, name, definition, source, active, builtin, created_at,
                            created_by)
                        values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)""")
                .params(
                        doc.key(),
                        version,
                        doc.name(),
                        definition,
                        yaml,
                        newest.map(Playbook::active).orElse(true),
                        builtin,
                        Timestamp.from(clock.instant()),
                        by)
                .update();
        Playbook after = get(doc.key()).orElseThrow();
        if (!builtin) {
            audit.record("playbook.save", "playbook", doc.key(), newest.orElse(null), after);
        }
        return after;
    }

    private static Doc toDoc(Playbook p) {
        return new Doc(
                p.key(), p.name(), p.scenario(), p.appliesWhen(), p.tasks(), p.requiredBeforeClose(), p.stakeholders());
    }

    Doc parse(String yaml) {
        Doc d = IncidentYaml.read(yaml, Doc.class, "playbook");
        String key = Texts.key(d.key(), "playbook key");
        String where = "playbook '" + key + "': ";
        try {
            Texts.required(d.name(), "name", 200);
            Texts.required(d.scenario(), "scenario", 10000);
            if (d.tasks() == null || d.tasks().isEmpty()) {
                throw new IllegalArgumentException("at least one task is required");
            }
            if (d.tasks().size() > 200) {
                throw new IllegalArgumentException("at most 200 tasks");
            }
            int i = 0;
            for (Playbook.Task t : d.tasks()) {
                i++;
                Texts.required(t.title(), "task " + i + " title", 300);
                Texts.optional(t.instructions(), "task " + i + " instructions", 20000);
                if (t.due() != null) {
                    Offset.duration(t.due());
                }
                if (t.phase() != null) {
                    Phase.parse(t.phase());
                }
            }
            if (d.requiredBeforeClose() != null) {
                for (String f : d.requiredBeforeClose()) {
                    if (!CLOSE_FIELDS.contains(f)) {
                        throw new IllegalArgumentException("unknown field '" + f + "' in required-before-close (one of "
                                + String.join(", ", new java.util.TreeSet<>(CLOSE_FIELDS)) + ")");
                    }
                }
            }
            if (d.stakeholders() != null) {
                for (Playbook.StakeholderRule s : d.stakeholders()) {
                    if (s.group() == null || obligations.group(s.group()).isEmpty()) {
                        throw new IllegalArgumentException("no stakeholder group '" + s.group() + "'");
                    }
                    if (s.obligation() != null
                            && obligations.template(s.obligation()).isEmpty()) {
                        throw new IllegalArgumentException("no obligation template '" + s.obligation() + "'");
                    }
                    if (s.due() != null) {
                        Offset.duration(s.due());
                    }
                    if (s.minSeverity() != null) {
                        IncidentSeverity.parse(s.minSeverity());
                    }
                }
            }
            if (d.appliesWhen() != null && d.appliesWhen().classifications() != null) {
                for (String c : d.appliesWhen().classifications()) {
                    if (c.contains("/")) {
                        taxonomy.requireActive(Classification.parse(c));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        return new Doc(
                key,
                d.name().strip(),
                d.scenario().strip(),
                d.appliesWhen(),
                d.tasks(),
                d.requiredBeforeClose() == null ? List.of() : d.requiredBeforeClose(),
                d.stakeholders() == null ? List.of() : d.stakeholders());
    }

    @Override
    @Transactional
    public Playbook setActive(String key, boolean active) {
        Playbook before = get(key).orElseThrow(() -> new NoSuchElementException("no playbook '" + key + "'"));
        jdbc.sql("update playbooks set active = ? where key = ?")
                .params(active, key)
                .update();
        Playbook after = get(key).orElseThrow();
        audit.record("playbook." + (active ? "activate" : "retire"), "playbook", key, before, after);
        return after;
    }

    @Override
    @Transactional
    public List<IncidentTask> apply(UUID incidentId, String key) {
        Incident incident = incidents.lock(incidentId);
        Playbook p = get(key).orElseThrow(() -> new NoSuchElementException("no playbook '" + key + "'"));
        if (!p.active()) {
            throw new IllegalStateException("playbook '" + key + "' is retired");
        }
        Boolean applied =
                jdbc.sql("""
                        select exists (select 1 from incident_playbooks where incident_id = ? and playbook_key = ?)""").params(incidentId, key).query(Boolean.class).single();
        if (applied) {
            throw new IllegalStateException(
                    "playbook '" + p.name() + "' was already applied to " + incident.reference());
        }
        Instant now = clock.instant();
        List<IncidentTask> created = new ArrayList<>();
        for (Playbook.Task t : p.tasks()) {
            created.add(tasks.insert(
                    incidentId,
                    t.title(),
                    t.instructions(),
                    t.owner(),
                    null,
                    t.mandatory(),
                    t.due() == null ? null : now.plus(Offset.duration(t.due())),
                    p.key(),
                    p.version()));
        }
        for (Playbook.StakeholderRule s : p.stakeholders()) {
            if (s.minSeverity() != null && incident.severity().compareTo(IncidentSeverity.parse(s.minSeverity())) < 0) {
                continue;
            }
            if (s.obligation() != null) {
                boolean already = obligations.forIncident(incidentId).stream()
                        .anyMatch(o -> o.templateKey().equals(s.obligation()));
                if (!already) {
                    obligations.attach(incidentId, s.obligation(), "playbook " + p.name());
                }
            } else {
                String group = obligations.group(s.group()).map(g -> g.name()).orElse(s.group());
                created.add(tasks.insert(
                        incidentId,
                        "Inform " + group,
                        s.message(),
                        "incident lead",
                        null,
                        true,
                        s.due() == null ? null : now.plus(Offset.duration(s.due())),
                        p.key(),
                        p.version()));
            }
        }
        jdbc.sql("""
                        insert into incident_playbooks (incident_id, playbook_key, version, applied_at, applied_by)
                        values (?, ?, ?, ?, ?)""")
                .params(incidentId, p.key(), p.version(), Timestamp.from(now), Timeline.actorName())
                .update();
        if (incident.playbook() == null) {
            jdbc.sql("update incidents set playbook_key = ?, version = version + 1 where id = ?")
                    .params(p.key(), incidentId)
                    .update();
        }
        timeline.auto(
                incidentId,
                "playbook",
                "Playbook applied: " + p.name() + " (version " + p.version() + ", " + created.size() + " tasks)",
                null);
        audit.record(
                "incident.playbook.apply",
                "incident",
                incidentId.toString(),
                null,
                java.util.Map.of("playbook", p.key(), "version", p.version(), "tasks", created.size()));
        return created;
    }

    @Override
    public List<AppliedPlaybook> applied(UUID incidentId) {
        return jdbc.sql("""
                        select ip.*, p.name from incident_playbooks ip join playbooks p
                            on p.key = ip.playbook_key and p.version = ip.version
                        where ip.incident_id = ? order by ip.applied_at""")
                .param(incidentId)
                .query((rs, n) -> new AppliedPlaybook(
                        rs.getString("playbook_key"),
                        rs.getInt("version"),
                        rs.getString("name"),
                        IncidentRepository.instant(rs, "applied_at"),
                        rs.getString("applied_by")))
                .list();
    }

    /** Fields the applied playbooks require before closing that the incident lacks. */
    List<String> missingCloseFields(Incident i, boolean hasObservables, boolean rcaDone) {
        List<String> missing = new ArrayList<>();
        for (AppliedPlaybook ap : applied(i.id())) {
            Playbook p = get(ap.key(), ap.version()).orElseThrow();
            for (String f : p.requiredBeforeClose()) {
                boolean ok = switch (f) {
                    case "outcome" -> i.outcome() != null;
                    case "final-classification" ->
                        i.classification() != null && !i.classification().equals(Classification.UNDETERMINED);
                    case "lead" -> i.lead() != null;
                    case "applications" -> !i.applications().isEmpty();
                    case "assets" -> !i.assets().isEmpty();
                    case "observables" -> hasObservables;
                    case "techniques" -> !i.techniques().isEmpty();
                    case "data-types" -> !i.dataTypes().isEmpty();
                    case "jurisdictions" -> !i.jurisdictions().isEmpty();
                    case "occurred-at" -> i.occurredAt() != null;
                    case "contained-at" -> i.containedAt() != null;
                    case "rca" -> rcaDone;
                    default -> true;
                };
                if (!ok && !missing.contains(f)) {
                    missing.add(f + " (required by playbook " + p.name() + ")");
                }
            }
        }
        return missing;
    }

    private static Playbook map(ResultSet rs) throws SQLException {
        Doc d = IncidentYaml.fromJson(rs.getString("definition"), Doc.class);
        return new Playbook(
                rs.getString("key"),
                rs.getInt("version"),
                rs.getString("name"),
                d.scenario(),
                d.appliesWhen(),
                d.tasks(),
                d.requiredBeforeClose() == null ? List.of() : d.requiredBeforeClose(),
                d.stakeholders() == null ? List.of() : d.stakeholders(),
                rs.getBoolean("active"),
                rs.getBoolean("builtin"),
                IncidentRepository.instant(rs, "created_at"),
                rs.getString("created_by"),
                rs.getString("source"));
    }
}
