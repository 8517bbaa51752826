package dev.vigil.server.incidents.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.vigil.server.incidents.BusinessCalendar;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.incidents.IncidentObligation;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.ObligationService;
import dev.vigil.server.incidents.ObligationTemplate;
import dev.vigil.server.incidents.StakeholderGroup;
import dev.vigil.server.incidents.Submission;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;

/**
 * Stakeholder groups, business calendars, obligation templates and the obligations of incidents. Each stage's
 * deadline is computed by {@link DeadlineCalculator} from the incident's anchors and the previous submissions; two
 * durable db-scheduler timers per deadline (at the warning time and at the deadline) run {@link #escalate}, and a
 * periodic sweep catches anything a timer missed. Escalation marks the stage, writes the timeline and publishes
 * {@link IncidentEvents.DeadlineAtRisk} / {@link IncidentEvents.DeadlineMissed}, which webhooks and on-call relay.
 */
@Service
class DefaultObligationService implements ObligationService {
    static final String TASK = "incident-deadline";
    private static final TypeReference<List<StakeholderGroup.Contact>> CONTACTS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final Timeline timeline;
    private final IncidentRepository incidents;
    private final ApplicationEventPublisher events;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final TableSnapshot<List<ObligationTemplate>> templates;

    DefaultObligationService(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            Timeline timeline,
            IncidentRepository incidents,
            ApplicationEventPublisher events,
            ObjectProvider<SchedulerClient> scheduler) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.timeline = timeline;
        this.incidents = incidents;
        this.events = events;
        this.scheduler = scheduler;
        this.templates = new TableSnapshot<>(jdbc, "obligation_templates", "t.key", this::readTemplates);
    }

    // --- stakeholder groups

    @Override
    public List<StakeholderGroup> groups() {
        return jdbc.sql("select * from stakeholder_groups order by name")
                .query((rs, n) -> new StakeholderGroup(
                        rs.getString("key"),
                        rs.getString("name"),
                        rs.getString("description"),
                        IncidentYaml.JSON.readValue(rs.getString("contacts"), CONTACTS),
                        rs.getBoolean("builtin"),
                        rs.getTimestamp("updated_at").toInstant()))
                .list();
    }

    Optional<StakeholderGroup> group(String key) {
        return groups().stream().filter(g -> g.key().equals(key)).findFirst();
    }

    @Override
    @Transactional
    public StakeholderGroup saveGroup(StakeholderGroup g) {
        String key = Texts.key(g.key(), "group key");
        String name = Texts.required(g.name(), "name", 200);
        List<StakeholderGroup.Contact> contacts = g.contacts() == null ? List.of() : g.contacts();
        if (contacts.size() > 100) {
            throw new IllegalArgumentException("a group has at most 100 contacts");
        }
        for (StakeholderGroup.Contact c : contacts) {
            Texts.required(c.name(), "contact name", 200);
            if (c.email() != null && !c.email().isBlank() && !c.email().matches("[^@\\s]+@[^@\\s]+")) {
                throw new IllegalArgumentException("invalid e-mail address '" + c.email() + "'");
            }
        }
        String description = Texts.optional(g.description(), "description", 2000);
        return audited(
                "stakeholder.group.save",
                "stakeholder-group",
                key,
                this::group,
                () -> upsertGroup(key, name, description, contacts, false));
    }

    /** Writes the item {@code key} and audits the change with its state before and after; returns the new state. */
    private <T> T audited(String action, String type, String key, Function<String, Optional<T>> load, Runnable write) {
        T before = load.apply(key).orElse(null);
        write.run();
        T after = load.apply(key).orElseThrow();
        audit.record(action, type, key, before, after);
        return after;
    }

    void upsertGroup(String key, String name, String description, List<StakeholderGroup.Contact> contacts, boolean b) {
        jdbc.sql("""
                        insert into stakeholder_groups (key, name, description, contacts, builtin, updated_at)
                        values (?, ?, ?, ?::jsonb, ?, ?)
                        on conflict (key) do update set name = excluded.name, description = excluded.description,
                            contacts = excluded.contacts, updated_at = excluded.updated_at""")
                .params(key, name, description, IncidentYaml.json(contacts), b, Timestamp.from(clock.instant()))
                .update();
    }

    @Override
    @Transactional
    public boolean deleteGroup(String key) {
        Optional<StakeholderGroup> before = group(key);
        if (before.isEmpty()) {
            return false;
        }
        for (ObligationTemplate t : templates()) {
            if (key.equals(t.stakeholder())) {
                throw new IllegalStateException("obligation '" + t.key() + "' notifies this group");
            }
        }
        jdbc.sql("delete from stakeholder_groups where key = ?").param(key).update();
        audit.record("stakeholder.group.delete", "stakeholder-group", key, before.get(), null);
        return true;
    }

    // --- business calendars

    @Override
    public List<BusinessCalendar> calendars() {
        return jdbc.sql("select * from business_calendars order by key")
                .query((rs, n) -> mapCalendar(rs))
                .list();
    }

    Optional<BusinessCalendar> calendar(String key) {
        return calendars().stream().filter(c -> c.key().equals(key)).findFirst();
    }

    @Override
    @Transactional
    public BusinessCalendar saveCalendar(BusinessCalendar c) {
        BusinessCalendar v = validate(c);
        BusinessCalendar after =
                audited("calendar.save", "business-calendar", v.key(), this::calendar, () -> upsertCalendar(v, false));
        for (UUID incident : openIncidentsUsingCalendar(v.key())) {
            recompute(incident);
        }
        return after;
    }

    BusinessCalendar validate(BusinessCalendar c) {
        String key = Texts.key(c.key(), "calendar key");
        String zone = Texts.required(c.zone(), "zone", 64);
        try {
            ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + zone + "'");
        }
        List<DayOfWeek> weekend = c.weekend() == null ? List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY) : c.weekend();
        if (weekend.size() > 6) {
            throw new IllegalArgumentException("a calendar needs at least one business day per week");
        }
        BusinessDays.validateCountry(c.country());
        List<LocalDate> holidays = c.holidays() == null ? List.of() : c.holidays();
        if (holidays.size() > 2000) {
            throw new IllegalArgumentException("at most 2000 explicit holidays");
        }
        return new BusinessCalendar(
                key,
                Texts.required(c.name(), "name", 200),
                zone,
                weekend,
                Texts.blank(c.country()),
                holidays,
                c.cutoff(),
                false,
                null);
    }

    void upsertCalendar(BusinessCalendar c, boolean builtin) {
        jdbc.sql("""
                        insert into business_calendars (key, name, zone, weekend, country, holidays, cutoff, builtin,
                            updated_at)
                        values (?, ?, ?, ?, ?, ?::date[], ?, ?, ?)
                        on conflict (key) do update set name = excluded.name, zone = excluded.zone,
                            weekend = excluded.weekend, country = excluded.country, holidays = excluded.holidays,
                            cutoff = excluded.cutoff, updated_at = excluded.updated_at""")
                .params(
                        c.key(),
                        c.name(),
                        c.zone(),
                        c.weekend().stream().map(DayOfWeek::name).toArray(String[]::new),
                        c.country(),
                        c.holidays().stream().map(LocalDate::toString).toArray(String[]::new),
                        c.cutoff() == null ? null : java.sql.Time.valueOf(c.cutoff()),
                        builtin,
                        Timestamp.from(clock.instant()))
                .update();
    }

    private static BusinessCalendar mapCalendar(ResultSet rs) throws SQLException {
        List<DayOfWeek> weekend = IncidentRepository.strings(rs.getArray("weekend")).stream()
                .map(DayOfWeek::valueOf)
                .toList();
        List<LocalDate> holidays = new ArrayList<>();
        Array h = rs.getArray("holidays");
        if (h != null) {
            for (Object d : (Object[]) h.getArray()) {
                holidays.add(d instanceof java.sql.Date sd ? sd.toLocalDate() : LocalDate.parse(d.toString()));
            }
        }
        java.sql.Time cutoff = rs.getTime("cutoff");
        return new BusinessCalendar(
                rs.getString("key"),
                rs.getString("name"),
                rs.getString("zone"),
                weekend,
                rs.getString("country"),
                holidays,
                cutoff == null ? null : cutoff.toLocalTime(),
                rs.getBoolean("builtin"),
                rs.getTimestamp("updated_at").toInstant());
    }

    /** Incidents with open stages (a calendar change may move their deadlines). */
    private List<UUID> openIncidentsUsingCalendar(String key) {
        return jdbc.sql("""
                        select distinct s.incident_id from obligation_stages s join incident_obligations o
                            on o.id = s.obligation_id
                        where s.state <> 'submitted' and o.status = 'open'""").query(UUID.class).list();
    }

    // --- templates

    @Override
    public List<ObligationTemplate> templates() {
        return templates.get();
    }

    private List<ObligationTemplate> readTemplates() {
        return List.copyOf(jdbc.sql("select * from obligation_templates order by key")
                .query((rs, n) -> mapTemplate(rs))
                .list());
    }

    Optional<ObligationTemplate> template(String key) {
        return templates().stream().filter(t -> t.key().equals(key)).findFirst();
    }

    private static ObligationTemplate mapTemplate(ResultSet rs) throws SQLException {
        ObligationTemplate d = IncidentYaml.fromJson(rs.getString("definition"), ObligationTemplate.class);
        return new ObligationTemplate(
                rs.getString("key"),
                rs.getString("name"),
                d.regulation(),
                d.stakeholder(),
                d.description(),
                d.appliesWhen(),
                d.stages(),
                rs.getBoolean("active"),
                rs.getBoolean("builtin"),
                rs.getTimestamp("updated_at").toInstant());
    }

    @Override
    @Transactional
    public ObligationTemplate saveTemplate(ObligationTemplate t) {
        ObligationTemplate v = validate(t);
        return audited(
                "obligation.template.save",
                "obligation-template",
                v.key(),
                this::template,
                () -> upsertTemplate(v, false));
    }

    @Override
    public String templateYaml(String key) {
        ObligationTemplate t =
                template(key).orElseThrow(() -> new NoSuchElementException("no obligation template '" + key + "'"));
        return IncidentYaml.write(new ObligationTemplate(
                t.key(),
                t.name(),
                t.regulation(),
                t.stakeholder(),
                t.description(),
                t.appliesWhen(),
                t.stages(),
                t.active(),
                false,
                null));
    }

    @Override
    @Transactional
    public ObligationTemplate saveTemplateYaml(String yaml) {
        return saveTemplate(IncidentYaml.read(yaml, ObligationTemplate.class, "obligation template"));
    }

    @Override
    @Transactional
    public int applyTemplate(String key) {
        ObligationTemplate t =
                template(key).orElseThrow(() -> new NoSuchElementException("no obligation template '" + key + "'"));
        List<String> keys =
                t.stages().stream().map(ObligationTemplate.Stage::key).sorted().toList();
        record Row(UUID id, UUID incidentId, String name) {}
        List<Row> rows = jdbc.sql("""
                        select o.id, o.incident_id, o.name from incident_obligations o join incidents i
                            on i.id = o.incident_id
                        where o.template_key = ? and o.status = 'open' and i.status not in ('closed', 'merged')
                        order by o.created_at""")
                .param(key)
                .query((rs, n) -> new Row(
                        rs.getObject("id", UUID.class), rs.getObject("incident_id", UUID.class), rs.getString("name")))
                .list();
        int updated = 0;
        for (Row r : rows) {
            incidents.lock(r.incidentId());
            List<String> have = jdbc.sql("select key from obligation_stages where obligation_id = ? order by key")
                    .param(r.id())
                    .query(String.class)
                    .list();
            if (!have.equals(keys)) {
                timeline.auto(
                        r.incidentId(),
                        "obligation",
                        "Template change not applied to " + r.name() + ": its stages differ from the template's",
                        "attached: " + have + "; template: " + keys);
                continue;
            }
            jdbc.sql("update incident_obligations set name = ?, definition = ?::jsonb where id = ?")
                    .params(t.name(), IncidentYaml.json(t), r.id())
                    .update();
            timeline.auto(
                    r.incidentId(),
                    "obligation",
                    "Notification obligation updated from its template: " + t.name(),
                    null);
            audit.record(
                    "incident.obligation.apply-template",
                    "incident",
                    r.incidentId().toString(),
                    Map.of("obligation", r.id().toString(), "name", r.name()),
                    Map.of("obligation", r.id().toString(), "template", key));
            recompute(r.incidentId());
            updated++;
        }
        return updated;
    }

    void upsertTemplate(ObligationTemplate t, boolean builtin) {
        ObligationTemplate def = new ObligationTemplate(
                null,
                null,
                t.regulation(),
                t.stakeholder(),
                t.description(),
                t.appliesWhen(),
                t.stages(),
                true,
                false,
                null);
        jdbc.sql("""
                        insert into obligation_templates (key, name, definition, active, builtin, updated_at)
                        values (?, ?, ?::jsonb, ?, ?, ?)
                        on conflict (key) do update set name = excluded.name, definition = excluded.definition,
                            active = excluded.active, updated_at = excluded.updated_at""")
                .params(t.key(), t.name(), IncidentYaml.json(def), t.active(), builtin, Timestamp.from(clock.instant()))
                .update();
    }

    ObligationTemplate validate(ObligationTemplate t) {
        String key = Texts.key(t.key(), "obligation key");
        String where = "obligation '" + key + "': ";
        try {
            String name = Texts.required(t.name(), "name", 200);
            if (t.stakeholder() != null && group(t.stakeholder()).isEmpty()) {
                throw new IllegalArgumentException("no stakeholder group '" + t.stakeholder() + "'");
            }
            if (t.stages() == null || t.stages().isEmpty()) {
                throw new IllegalArgumentException("at least one stage is required");
            }
            Set<String> seen = new HashSet<>();
            for (ObligationTemplate.Stage s : t.stages()) {
                String sk = Texts.key(s.key(), "stage key");
                Texts.required(s.name(), "stage name", 200);
                String anchor = Texts.required(s.anchor(), "stage anchor", 64);
                if (anchor.equals("previous") && seen.isEmpty()) {
                    throw new IllegalArgumentException("the first stage cannot be anchored to a previous submission");
                }
                if (anchor.startsWith("stage:") && !seen.contains(anchor.substring(6))) {
                    throw new IllegalArgumentException(
                            "stage '" + sk + "' is anchored to '" + anchor + "', which is not an earlier stage");
                }
                if (s.after() == null && s.target() == null) {
                    throw new IllegalArgumentException("stage '" + sk + "' needs 'after' or (for asap) 'target'");
                }
                if (s.after() != null) {
                    Offset.parse(s.after());
                }
                if (s.target() != null) {
                    Offset.parse(s.target());
                }
                if (s.notLaterThan() != null) {
                    for (ObligationTemplate.Limit l : s.notLaterThan()) {
                        Texts.required(l.anchor(), "limit anchor", 64);
                        Offset.parse(l.after());
                    }
                }
                if (s.warnBefore() != null) {
                    Offset.duration(s.warnBefore());
                }
                if (s.calendar() != null && calendar(s.calendar()).isEmpty()) {
                    throw new IllegalArgumentException("no business calendar '" + s.calendar() + "'");
                }
                if (!seen.add(sk)) {
                    throw new IllegalArgumentException("stage key '" + sk + "' is used twice");
                }
            }
            ObligationTemplate.Applies a = t.appliesWhen();
            if (a != null) {
                if (a.minSeverity() != null) {
                    IncidentSeverity.parse(a.minSeverity());
                }
                if (a.maxPriority() != null && (a.maxPriority() < 1 || a.maxPriority() > 5)) {
                    throw new IllegalArgumentException("max-priority must be 1..5");
                }
            }
            return new ObligationTemplate(
                    key,
                    name,
                    Texts.optional(t.regulation(), "regulation", 200),
                    t.stakeholder(),
                    Texts.optional(t.description(), "description", 4000),
                    a,
                    t.stages(),
                    t.active(),
                    false,
                    null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    // --- obligations of incidents

    @Override
    public List<IncidentObligation> forIncident(UUID incidentId) {
        Map<UUID, List<DeadlineStage>> stages = new HashMap<>();
        for (DeadlineStage s : stagesOf(incidentId)) {
            stages.computeIfAbsent(s.obligationId(), k -> new ArrayList<>()).add(s);
        }
        return jdbc.sql("select * from incident_obligations where incident_id = ? order by created_at, name")
                .param(incidentId)
                .query((rs, n) -> {
                    ObligationTemplate def =
                            IncidentYaml.fromJson(rs.getString("definition"), ObligationTemplate.class);
                    UUID id = rs.getObject("id", UUID.class);
                    return new IncidentObligation(
                            id,
                            incidentId,
                            rs.getString("template_key"),
                            rs.getString("name"),
                            def.regulation(),
                            def.stakeholder(),
                            rs.getString("attached_by"),
                            rs.getString("status"),
                            rs.getString("not_required_reason"),
                            IncidentRepository.instant(rs, "created_at"),
                            List.copyOf(stages.getOrDefault(id, List.of())));
                })
                .list();
    }

    List<DeadlineStage> stagesOf(UUID incidentId) {
        return jdbc.sql("select * from obligation_stages where incident_id = ? order by position")
                .param(incidentId)
                .query((rs, n) -> mapStage(rs))
                .list();
    }

    /** The ids of an incident's deadline stages. */
    List<UUID> stageIds(UUID incidentId) {
        return jdbc.sql("select id from obligation_stages where incident_id = ?")
                .param(incidentId)
                .query(UUID.class)
                .list();
    }

    /** The incident a deadline stage belongs to. */
    Optional<UUID> incidentOfStage(UUID stageId) {
        return jdbc.sql("select incident_id from obligation_stages where id = ?")
                .param(stageId)
                .query(UUID.class)
                .optional();
    }

    private DeadlineStage stage(UUID stageId) {
        return jdbc.sql("select * from obligation_stages where id = ?")
                .param(stageId)
                .query((rs, n) -> mapStage(rs))
                .optional()
                .orElseThrow(() -> new NoSuchElementException("no deadline stage " + stageId));
    }

    @Override
    @Transactional
    public IncidentObligation attach(UUID incidentId, String templateKey, String reason) {
        Incident incident = incidents.lock(incidentId);
        ObligationTemplate t = template(templateKey)
                .orElseThrow(() -> new NoSuchElementException("no obligation template '" + templateKey + "'"));
        if (attached(incidentId, templateKey)) {
            throw new IllegalStateException("'" + t.name() + "' is already attached to " + incident.reference());
        }
        IncidentObligation o = insertObligation(incident, t, Timeline.actorName());
        timeline.auto(
                incidentId,
                "obligation",
                "Notification obligation attached: " + t.name(),
                Texts.optional(reason, "reason", 2000));
        audit.record("incident.obligation.attach", "incident", incidentId.toString(), null, o);
        return o;
    }

    private boolean attached(UUID incidentId, String templateKey) {
        return jdbc.sql("select exists (select 1 from incident_obligations where incident_id = ? and template_key = ?)")
                .params(incidentId, templateKey)
                .query(Boolean.class)
                .single();
    }

    private IncidentObligation insertObligation(Incident incident, ObligationTemplate t, String attachedBy) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into incident_obligations (id, incident_id, template_key, name, definition, attached_by,
                            status, created_at)
                        values (?, ?, ?, ?, ?::jsonb, ?, 'open', ?)""")
                .params(id, incident.id(), t.key(), t.name(), IncidentYaml.json(t), attachedBy, Timestamp.from(now))
                .update();
        int pos = nextStagePosition(incident.id());
        for (ObligationTemplate.Stage s : t.stages()) {
            jdbc.sql("""
                            insert into obligation_stages (id, obligation_id, incident_id, position, key, name, asap,
                                state)
                            values (?, ?, ?, ?, ?, ?, ?, 'waiting')""")
                    .params(UUID.randomUUID(), id, incident.id(), pos++, s.key(), s.name(), s.asap())
                    .update();
        }
        recompute(incident.id());
        return forIncident(incident.id()).stream()
                .filter(o -> o.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private int nextStagePosition(UUID incidentId) {
        return jdbc.sql("select coalesce(max(position), 0) + 1 from obligation_stages where incident_id = ?")
                .param(incidentId)
                .query(Integer.class)
                .single();
    }

    @Override
    @Transactional
    public IncidentObligation markNotRequired(UUID incidentId, UUID obligationId, String reason) {
        incidents.lock(incidentId);
        String why = Texts.required(reason, "reason", 2000);
        IncidentObligation before = obligation(incidentId, obligationId);
        if (!before.status().equals("open")) {
            throw new IllegalStateException("obligation '" + before.name() + "' is already " + before.status());
        }
        jdbc.sql("update incident_obligations set status = 'not_required', not_required_reason = ? where id = ?")
                .params(why, obligationId)
                .update();
        IncidentObligation after = obligation(incidentId, obligationId);
        timeline.auto(incidentId, "obligation", "Notification obligation not required: " + after.name(), why);
        audit.record("incident.obligation.not-required", "incident", incidentId.toString(), before, after);
        return after;
    }

    private IncidentObligation obligation(UUID incidentId, UUID obligationId) {
        return forIncident(incidentId).stream()
                .filter(o -> o.id().equals(obligationId))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no obligation " + obligationId));
    }

    @Override
    @Transactional
    public DeadlineStage submit(UUID incidentId, UUID stageId, Submission s) {
        Incident incident = incidents.lock(incidentId);
        DeadlineStage before = stage(stageId);
        if (!before.incidentId().equals(incidentId)) {
            throw new NoSuchElementException("no deadline stage " + stageId + " in " + incident.reference());
        }
        if (!before.open()) {
            throw new IllegalStateException("stage '" + before.name() + "' was already submitted");
        }
        IncidentObligation o = obligation(incidentId, before.obligationId());
        if (!o.status().equals("open")) {
            throw new IllegalStateException("obligation '" + o.name() + "' is " + o.status());
        }
        Instant now = clock.instant();
        Instant at = s.at() == null ? now : s.at();
        if (at.isAfter(now.plusSeconds(60))) {
            throw new IllegalArgumentException("a submission cannot be recorded in the future");
        }
        if (incident.createdAt() != null && at.isBefore(incident.createdAt().minus(Duration.ofDays(366)))) {
            throw new IllegalArgumentException("the submission time is implausibly early");
        }
        String to = Texts.required(s.to(), "to (the recipient)", 500);
        String what = Texts.required(s.what(), "what (the content submitted)", 20000);
        boolean late = before.dueAt() != null && at.isAfter(before.dueAt());
        String justification = Texts.optional(s.lateJustification(), "late justification", 4000);
        if (late && justification == null) {
            throw new IllegalArgumentException(
                    "the submission is late (due " + before.dueAt() + "): a justification of the delay is required");
        }
        jdbc.sql("""
                        update obligation_stages set state = 'submitted', submitted_at = ?, submitted_to = ?,
                            submitted_what = ?, submitted_by = ?, reference = ?, late = ?, late_justification = ?
                        where id = ?""")
                .params(
                        Timestamp.from(at),
                        to,
                        what,
                        Timeline.actorName(),
                        Texts.optional(s.reference(), "reference", 500),
                        late,
                        late ? justification : null,
                        stageId)
                .update();
        jdbc.sql("""
                        update incident_obligations set status = 'done' where id = ? and not exists (
                            select 1 from obligation_stages where obligation_id = ? and state <> 'submitted')""").params(o.id(), o.id()).update();
        DeadlineStage after = stage(stageId);
        timeline.auto(
                incidentId,
                at,
                "submission",
                o.name() + ": " + after.name() + " submitted to " + to + (late ? " (late)" : ""),
                what + (late ? "\nLate: " + justification : ""));
        audit.record("incident.obligation.submit", "incident", incidentId.toString(), before, after);
        events.publishEvent(new IncidentEvents.SubmissionRecorded(
                incidentId, incident.reference(), stageId, o.name(), after.name(), at, late, now));
        recompute(incidentId);
        return after;
    }

    @Override
    @Transactional
    public void refresh(UUID incidentId) {
        Incident incident = incidents.get(incidentId).orElseThrow();
        if (incident.status().open()) {
            for (ObligationTemplate t : templates()) {
                if (t.active() && applies(t.appliesWhen(), incident) && !attached(incidentId, t.key())) {
                    insertObligation(incident, t, "rule");
                    timeline.auto(
                            incidentId,
                            "obligation",
                            "Notification obligation attached by its conditions: " + t.name(),
                            t.regulation());
                }
            }
        }
        recompute(incidentId);
    }

    static boolean applies(ObligationTemplate.Applies a, Incident i) {
        if (a == null) {
            return false;
        }
        if (a.classifications() != null && !a.classifications().isEmpty()) {
            Classification c = i.classification();
            if (c == null
                    || a.classifications().stream().noneMatch(x -> x.equals(c.classKey()) || x.equals(c.toString()))) {
                return false;
            }
        }
        if (a.dataTypes() != null
                && !a.dataTypes().isEmpty()
                && a.dataTypes().stream().noneMatch(i.dataTypes()::contains)) {
            return false;
        }
        if (a.jurisdictions() != null
                && !a.jurisdictions().isEmpty()
                && a.jurisdictions().stream().noneMatch(i.jurisdictions()::contains)) {
            return false;
        }
        if (a.minSeverity() != null && i.severity().compareTo(IncidentSeverity.parse(a.minSeverity())) < 0) {
            return false;
        }
        if (a.maxPriority() != null && i.priority() > a.maxPriority()) {
            return false;
        }
        if (a.milestones() != null) {
            for (String m : a.milestones()) {
                if (i.anchor(m) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Recomputes the deadlines of the incident's open stages and schedules their timers. */
    void recompute(UUID incidentId) {
        Incident incident = incidents.get(incidentId).orElseThrow();
        Instant now = clock.instant();
        Map<String, BusinessDays> calendarCache = new HashMap<>();
        for (IncidentObligation o : forIncident(incidentId)) {
            if (!o.status().equals("open")) {
                continue;
            }
            ObligationTemplate def = jdbc.sql("select definition from incident_obligations where id = ?")
                    .param(o.id())
                    .query((rs, n) -> IncidentYaml.fromJson(rs.getString(1), ObligationTemplate.class))
                    .single();
            Map<String, DeadlineStage> byKey = new HashMap<>();
            o.stages().forEach(s -> byKey.put(s.key(), s));
            DeadlineStage previous = null;
            for (ObligationTemplate.Stage spec : def.stages()) {
                DeadlineStage st = byKey.get(spec.key());
                if (st == null) {
                    continue;
                }
                if (st.open()) {
                    DeadlineStage prev = previous;
                    DeadlineCalculator.Due due = DeadlineCalculator.compute(
                            spec,
                            name -> anchor(name, incident, prev, byKey),
                            key -> calendarCache.computeIfAbsent(String.valueOf(key), k -> businessDays(key)));
                    updateDue(st, spec, due, now);
                }
                previous = st;
            }
        }
    }

    private static Instant anchor(
            String name, Incident incident, DeadlineStage previous, Map<String, DeadlineStage> stages) {
        if (name.equals("previous")) {
            return previous == null ? null : previous.submittedAt();
        }
        if (name.startsWith("stage:")) {
            DeadlineStage s = stages.get(name.substring(6));
            return s == null ? null : s.submittedAt();
        }
        return incident.anchor(name);
    }

    BusinessDays businessDays(String key) {
        if (key == null) {
            return calendar("utc").map(BusinessDays::new).orElseGet(BusinessDays::utc);
        }
        return new BusinessDays(calendar(key).orElseThrow(() -> new IllegalStateException("no calendar " + key)));
    }

    private void updateDue(DeadlineStage st, ObligationTemplate.Stage spec, DeadlineCalculator.Due due, Instant now) {
        if (due == null) {
            if (st.dueAt() != null || !st.state().equals("waiting")) {
                jdbc.sql("""
                                update obligation_stages set due_at = null, warn_at = null, due_basis = null,
                                    state = 'waiting', warned_at = null, overdue_at = null where id = ?""").param(st.id()).update();
            }
            return;
        }
        // PostgreSQL keeps microseconds: compare (and store) the deadline at that precision, or a deadline anchored on
        // an instant with nanoseconds (a milestone taken from the clock) would look moved on every re-evaluation
        due = new DeadlineCalculator.Due(
                due.at().truncatedTo(java.time.temporal.ChronoUnit.MICROS), due.anchoredAt(), due.basis());
        if (due.at().equals(st.dueAt()) && !st.state().equals("waiting")) {
            return;
        }
        Instant warnAt = due.at().minus(DeadlineCalculator.warnBefore(spec.warnBefore(), due.anchoredAt(), due.at()));
        boolean moved = st.dueAt() != null && !due.at().equals(st.dueAt());
        String state = st.state();
        if (state.equals("waiting") || (moved && now.isBefore(warnAt))) {
            state = "pending";
        }
        jdbc.sql("""
                        update obligation_stages set due_at = ?, warn_at = ?, due_basis = ?, state = ?,
                            warned_at = case when ? = 'pending' then null else warned_at end,
                            overdue_at = case when ? in ('pending', 'at_risk') then null else overdue_at end
                        where id = ?""")
                .params(Timestamp.from(due.at()), Timestamp.from(warnAt), due.basis(), state, state, state, st.id())
                .update();
        if (!moved && !st.state().equals("waiting")) {
            return;
        }
        timeline.auto(
                st.incidentId(),
                "deadline",
                "Deadline " + (moved ? "moved" : "set") + ": " + st.name() + " due " + due.at(),
                due.basis());
        schedule(st.id(), warnAt);
        schedule(st.id(), due.at());
    }

    private void schedule(UUID stageId, Instant at) {
        SchedulerClient client = scheduler.getIfAvailable();
        if (client != null) {
            client.scheduleIfNotExists(new TaskInstance<Void>(TASK, stageId + "/" + at.toEpochMilli()), at);
        }
    }

    @Override
    @Transactional
    public int escalate(Instant now) {
        List<DeadlineStage> due = jdbc.sql("""
                        select s.* from obligation_stages s join incident_obligations o on o.id = s.obligation_id
                        where o.status = 'open' and s.state in ('pending', 'at_risk') and s.warn_at <= ?
                        order by s.due_at for update of s skip locked""")
                .param(Timestamp.from(now))
                .query((rs, n) -> mapStage(rs))
                .list();
        int changed = 0;
        for (DeadlineStage s : due) {
            Incident incident = incidents.get(s.incidentId()).orElseThrow();
            String obligation = obligationName(s.obligationId());
            if (!now.isBefore(s.dueAt())) {
                jdbc.sql("update obligation_stages set state = 'overdue', overdue_at = ? where id = ?")
                        .params(Timestamp.from(now), s.id())
                        .update();
                timeline.auto(
                        s.incidentId(),
                        now,
                        "deadline",
                        "Deadline missed: " + obligation + " - " + s.name() + " was due " + s.dueAt(),
                        s.dueBasis());
                events.publishEvent(new IncidentEvents.DeadlineMissed(
                        s.incidentId(), incident.reference(), s.id(), obligation, s.name(), s.dueAt(), now));
                changed++;
            } else if (s.state().equals("pending")) {
                jdbc.sql("update obligation_stages set state = 'at_risk', warned_at = ? where id = ?")
                        .params(Timestamp.from(now), s.id())
                        .update();
                timeline.auto(
                        s.incidentId(),
                        now,
                        "deadline",
                        "Deadline at risk: " + obligation + " - " + s.name() + " due " + s.dueAt() + " ("
                                + humanize(Duration.between(now, s.dueAt())) + " left)",
                        s.dueBasis());
                events.publishEvent(new IncidentEvents.DeadlineAtRisk(
                        s.incidentId(), incident.reference(), s.id(), obligation, s.name(), s.dueAt(), now));
                changed++;
            }
        }
        return changed;
    }

    private String obligationName(UUID obligationId) {
        return jdbc.sql("select name from incident_obligations where id = ?")
                .param(obligationId)
                .query(String.class)
                .single();
    }

    static String humanize(Duration d) {
        long minutes = Math.abs(d.toMinutes());
        String s = minutes >= 1440
                ? (minutes / 1440) + "d " + (minutes % 1440) / 60 + "h"
                : minutes >= 60 ? (minutes / 60) + "h " + (minutes % 60) + "m" : minutes + "m";
        return d.isNegative() ? "-" + s : s;
    }

    @Override
    public List<DeadlineStage> upcoming(Instant until, int limit) {
        return jdbc.sql("""
                        select s.* from obligation_stages s join incident_obligations o on o.id = s.obligation_id
                        where o.status = 'open' and s.state in ('pending', 'at_risk', 'overdue') and s.due_at < ?
                        order by s.due_at limit ?""")
                .params(Timestamp.from(until), Math.max(1, Math.min(limit, 500)))
                .query((rs, n) -> mapStage(rs))
                .list();
    }

    /** Open stages of open obligations (closure gate). */
    List<String> openStages(UUID incidentId) {
        List<String> out = new ArrayList<>();
        for (IncidentObligation o : forIncident(incidentId)) {
            if (!o.status().equals("open")) {
                continue;
            }
            for (DeadlineStage s : o.stages()) {
                if (s.open()) {
                    out.add(o.name() + ": " + s.name() + (s.dueAt() == null ? "" : " (due " + s.dueAt() + ")"));
                }
            }
        }
        return out;
    }

    private static DeadlineStage mapStage(ResultSet rs) throws SQLException {
        return new DeadlineStage(
                rs.getObject("id", UUID.class),
                rs.getObject("obligation_id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getInt("position"),
                rs.getString("key"),
                rs.getString("name"),
                rs.getBoolean("asap"),
                IncidentRepository.instant(rs, "due_at"),
                rs.getString("due_basis"),
                rs.getString("state"),
                IncidentRepository.instant(rs, "warned_at"),
                IncidentRepository.instant(rs, "overdue_at"),
                IncidentRepository.instant(rs, "submitted_at"),
                rs.getString("submitted_to"),
                rs.getString("submitted_what"),
                rs.getString("submitted_by"),
                rs.getString("reference"),
                (Boolean) rs.getObject("late"),
                rs.getString("late_justification"));
    }
}
