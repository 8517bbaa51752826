package dev.vigil.server.governance.internal;

import static dev.vigil.server.governance.internal.Sql.instant;
import static dev.vigil.server.governance.internal.Sql.list;
import static dev.vigil.server.governance.internal.Sql.textArray;
import static dev.vigil.server.governance.internal.Sql.ts;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.governance.ContactPoint;
import dev.vigil.server.governance.ContactPointRequest;
import dev.vigil.server.governance.Exercise;
import dev.vigil.server.governance.ExerciseRequest;
import dev.vigil.server.governance.FindingRequest;
import dev.vigil.server.governance.GovernanceReminder;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.IncidentReport;
import dev.vigil.server.governance.IncidentReportRequest;
import dev.vigil.server.governance.IncidentReported;
import dev.vigil.server.governance.ProcessDocument;
import dev.vigil.server.governance.ProcessHistory;
import dev.vigil.server.governance.ProcessKind;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.governance.ProcessReview;
import dev.vigil.server.governance.RaciAssignment;
import dev.vigil.server.governance.RaciRequest;
import dev.vigil.server.governance.TrainingRecord;
import dev.vigil.server.governance.TrainingRequest;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.security.Team;
import dev.vigil.server.security.UserService;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Governance records in the {@code gov_*} tables (migration {@code V10_001}). People named as owners, trainees and
 * RACI parties must exist as users (or, for RACI, teams) so that the assessment can rely on them. Documentation
 * versions and reviews are append-only; the history merges them with the process's audit entries.
 */
@Service
class JdbcGovernanceService implements GovernanceService {
    static final int MAX_MARKDOWN_BYTES = 256 * 1024;
    static final List<String> CONTACT_KINDS = List.of("email", "phone", "url", "chat", "form", "other");
    static final List<String> EXERCISE_KINDS = List.of("tabletop", "simulation", "replay");
    static final Duration REVIEW_REMINDER_WINDOW = Duration.ofDays(30);
    static final Duration TRAINING_REMINDER_WINDOW = Duration.ofDays(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final UserService users;
    private final AlertService alerts;
    private final ApplicationEventPublisher events;

    JdbcGovernanceService(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            UserService users,
            AlertService alerts,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.users = users;
        this.alerts = alerts;
        this.events = events;
    }

    // ---------------------------------------------------------------- processes

    @Override
    @Transactional
    public GovernedProcess createProcess(ProcessRequest r) {
        String key = Checks.key(r.key(), "key");
        String title = Checks.required(r.title(), "title", 200);
        ProcessKind kind = ProcessKind.parse(r.kind() == null ? "other" : r.kind());
        String owner = user(Checks.required(r.owner(), "owner", 200), "owner");
        String escalation = Checks.optional(r.escalationPath(), "escalationPath", 4000);
        int interval = interval(r.reviewIntervalDays());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try {
            jdbc.sql("""
                            insert into gov_processes (id, key, title, kind, owner, escalation_path, review_interval_days,
                                next_review_due, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            UUID.randomUUID(),
                            key,
                            title,
                            kind.id(),
                            owner,
                            escalation,
                            interval,
                            ts(now.plus(Duration.ofDays(interval))),
                            ts(now),
                            ts(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("a process with key '" + key + "' exists already");
        }
        GovernedProcess created = requireProcess(key);
        audit.record("created", "process", key, null, created);
        return created;
    }

    @Override
    @Transactional
    public GovernedProcess updateProcess(String key, ProcessRequest r) {
        GovernedProcess before = requireProcess(key);
        if (r.key() != null && !r.key().strip().equalsIgnoreCase(before.key())) {
            throw new IllegalArgumentException("a process's key cannot change");
        }
        String title = r.title() == null ? before.title() : Checks.required(r.title(), "title", 200);
        ProcessKind kind = r.kind() == null ? before.kind() : ProcessKind.parse(r.kind());
        String owner = r.owner() == null ? before.owner() : user(Checks.required(r.owner(), "owner", 200), "owner");
        String escalation = r.escalationPath() == null
                ? before.escalationPath()
                : Checks.optional(r.escalationPath(), "escalationPath", 4000);
        int interval = r.reviewIntervalDays() == null ? before.reviewIntervalDays() : interval(r.reviewIntervalDays());
        Instant base = before.lastReviewedAt() != null ? before.lastReviewedAt() : before.createdAt();
        jdbc.sql("""
                        update gov_processes set title = ?, kind = ?, owner = ?, escalation_path = ?,
                            review_interval_days = ?, next_review_due = ?, updated_at = ? where id = ?""")
                .params(
                        title,
                        kind.id(),
                        owner,
                        escalation,
                        interval,
                        ts(base.plus(Duration.ofDays(interval))),
                        ts(clock.instant()),
                        before.id())
                .update();
        GovernedProcess after = requireProcess(before.key());
        audit.record("updated", "process", before.key(), before, after);
        return after;
    }

    @Override
    public List<GovernedProcess> processes() {
        return jdbc.sql("select * from gov_processes order by kind, key")
                .query(JdbcGovernanceService::process)
                .list();
    }

    @Override
    public Optional<GovernedProcess> process(String key) {
        if (key == null) {
            return Optional.empty();
        }
        return jdbc.sql("select * from gov_processes where key = ?")
                .param(key.strip().toLowerCase(java.util.Locale.ROOT))
                .query(JdbcGovernanceService::process)
                .optional();
    }

    private GovernedProcess requireProcess(String key) {
        return process(key).orElseThrow(() -> new NoSuchElementException("no process '" + key + "'"));
    }

    @Override
    @Transactional
    public ProcessDocument publishDocument(String key, String markdown, String summary) {
        GovernedProcess p = requireProcess(key);
        if (markdown == null || markdown.isBlank()) {
            throw new IllegalArgumentException("markdown is required");
        }
        if (markdown.getBytes(StandardCharsets.UTF_8).length > MAX_MARKDOWN_BYTES) {
            throw new IllegalArgumentException("markdown must be at most " + MAX_MARKDOWN_BYTES + " bytes");
        }
        if (markdown.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("markdown contains NUL characters");
        }
        String s = Checks.optional(summary, "summary", 500);
        // lock the process row: concurrent publishers get consecutive versions
        int version = jdbc.sql("select current_version from gov_processes where id = ? for update")
                        .param(p.id())
                        .query(Integer.class)
                        .single()
                + 1;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String author = Actor.current().name();
        jdbc.sql("""
                        insert into gov_process_documents (process_id, version, markdown, summary, author, created_at)
                        values (?, ?, ?, ?, ?, ?)""").params(p.id(), version, markdown, s, author, ts(now)).update();
        jdbc.sql("update gov_processes set current_version = ?, updated_at = ? where id = ?")
                .params(version, ts(now), p.id())
                .update();
        ProcessDocument doc = new ProcessDocument(p.key(), version, markdown, s, author, now);
        audit.record(
                "document-published",
                "process",
                p.key(),
                p.currentVersion() == 0 ? null : Map.of("version", p.currentVersion()),
                Map.of("version", version, "summary", s == null ? "" : s, "bytes", markdown.length()));
        return doc;
    }

    @Override
    public Optional<ProcessDocument> document(String key, Integer version) {
        Optional<GovernedProcess> p = process(key);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        int v = version == null ? p.get().currentVersion() : version;
        return jdbc.sql("select * from gov_process_documents where process_id = ? and version = ?")
                .params(p.get().id(), v)
                .query((rs, n) -> document(p.get().key(), rs))
                .optional();
    }

    @Override
    public List<ProcessDocument> documents(String key) {
        GovernedProcess p = requireProcess(key);
        return jdbc.sql("select * from gov_process_documents where process_id = ? order by version desc")
                .param(p.id())
                .query((rs, n) -> document(p.key(), rs))
                .list();
    }

    @Override
    @Transactional
    public ProcessReview recordReview(String key, Instant reviewedAt, String notes) {
        GovernedProcess before = requireProcess(key);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant at = (reviewedAt == null ? now : reviewedAt).truncatedTo(ChronoUnit.MICROS);
        if (at.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new IllegalArgumentException("reviewedAt must not be in the future");
        }
        String n = Checks.optional(notes, "notes", 10_000);
        Instant nextDue = at.plus(Duration.ofDays(before.reviewIntervalDays()));
        UUID id = UUID.randomUUID();
        String reviewer = Actor.current().name();
        jdbc.sql("""
                        insert into gov_process_reviews (id, process_id, reviewed_by, reviewed_at, notes, next_due,
                            created_at) values (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, before.id(), reviewer, ts(at), n, ts(nextDue), ts(now))
                .update();
        // the latest review (by review time) decides the next due date
        jdbc.sql("""
                        update gov_processes p set last_reviewed_at = r.reviewed_at, next_review_due = r.next_due,
                            updated_at = ?
                        from (select reviewed_at, next_due from gov_process_reviews where process_id = ?
                              order by reviewed_at desc limit 1) r
                        where p.id = ?""").params(ts(now), before.id(), before.id()).update();
        ProcessReview review = new ProcessReview(id, before.key(), reviewer, at, n, nextDue);
        audit.record("reviewed", "process", before.key(), before, requireProcess(key));
        return review;
    }

    @Override
    public List<ProcessReview> reviews(String key) {
        GovernedProcess p = requireProcess(key);
        return jdbc.sql("select * from gov_process_reviews where process_id = ? order by reviewed_at desc")
                .param(p.id())
                .query((rs, n) -> new ProcessReview(
                        rs.getObject("id", UUID.class),
                        p.key(),
                        rs.getString("reviewed_by"),
                        instant(rs, "reviewed_at"),
                        rs.getString("notes"),
                        instant(rs, "next_due")))
                .list();
    }

    @Override
    public ProcessHistory history(String key) {
        GovernedProcess p = requireProcess(key);
        List<ProcessHistory.Change> changes = new ArrayList<>();
        for (ProcessDocument d : documents(key)) {
            changes.add(new ProcessHistory.Change(
                    d.createdAt(),
                    "document",
                    d.author(),
                    d.summary() == null ? "version " + d.version() : d.summary(),
                    d.version()));
        }
        for (ProcessReview r : reviews(key)) {
            changes.add(new ProcessHistory.Change(
                    r.reviewedAt(), "review", r.reviewedBy(), r.notes() == null ? "reviewed" : r.notes(), null));
        }
        List<AuditEntry> entries = new ArrayList<>();
        audit.forEach(new AuditQuery(null, null, "process", p.key(), null, null, null), entries::add);
        for (AuditEntry e : entries) {
            if (e.action().equals("created") || e.action().equals("updated")) {
                changes.add(
                        new ProcessHistory.Change(e.occurredAt(), e.action(), e.actorName(), describeChange(e), null));
            }
        }
        changes.sort(Comparator.comparing(ProcessHistory.Change::at).reversed());
        return new ProcessHistory(p.key(), changes);
    }

    private static String describeChange(AuditEntry e) {
        if (e.before() == null) {
            return "process created";
        }
        try {
            Map<?, ?> before = JSON.readValue(e.before(), Map.class);
            Map<?, ?> after = JSON.readValue(e.after(), Map.class);
            List<String> changed = new ArrayList<>();
            for (String f : List.of("title", "kind", "owner", "escalationPath", "reviewIntervalDays")) {
                if (!java.util.Objects.equals(before.get(f), after.get(f))) {
                    changed.add(f + ": " + before.get(f) + " → " + after.get(f));
                }
            }
            return changed.isEmpty() ? "no attribute changed" : String.join("; ", changed);
        } catch (RuntimeException ex) {
            return e.action();
        }
    }

    // ---------------------------------------------------------------- RACI

    @Override
    @Transactional
    public RaciAssignment putRaci(RaciRequest r) {
        String type = Checks.key(r.incidentType(), "incidentType");
        String activity = Checks.key(r.activity(), "activity");
        String accountable = party(Checks.required(r.accountable(), "accountable", 200), "accountable");
        List<String> responsible = parties(r.responsible(), "responsible");
        if (responsible.isEmpty()) {
            throw new IllegalArgumentException("responsible needs at least one user or team");
        }
        List<String> consulted = parties(r.consulted(), "consulted");
        List<String> informed = parties(r.informed(), "informed");
        Optional<RaciAssignment> before = raci(type, activity);
        jdbc.sql("""
                        insert into gov_raci (id, incident_type, activity, responsible, accountable, consulted, informed,
                            updated_at) values (?, ?, ?, ?::text[], ?, ?::text[], ?::text[], ?)
                        on conflict (incident_type, activity) do update set responsible = excluded.responsible,
                            accountable = excluded.accountable, consulted = excluded.consulted,
                            informed = excluded.informed, updated_at = excluded.updated_at""")
                .params(
                        UUID.randomUUID(),
                        type,
                        activity,
                        textArray(responsible),
                        accountable,
                        textArray(consulted),
                        textArray(informed),
                        ts(clock.instant()))
                .update();
        RaciAssignment after = raci(type, activity).orElseThrow();
        audit.record(
                before.isPresent() ? "updated" : "created", "raci", type + "/" + activity, before.orElse(null), after);
        return after;
    }

    private Optional<RaciAssignment> raci(String type, String activity) {
        return jdbc.sql("select * from gov_raci where incident_type = ? and activity = ?")
                .params(type, activity)
                .query(JdbcGovernanceService::raciRow)
                .optional();
    }

    @Override
    @Transactional
    public boolean deleteRaci(String incidentType, String activity) {
        Optional<RaciAssignment> before = raci(incidentType, activity);
        if (before.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from gov_raci where id = ?").param(before.get().id()).update();
        audit.record("deleted", "raci", incidentType + "/" + activity, before.get(), null);
        return true;
    }

    @Override
    public List<RaciAssignment> raci() {
        return jdbc.sql("select * from gov_raci order by incident_type, activity")
                .query(JdbcGovernanceService::raciRow)
                .list();
    }

    // ---------------------------------------------------------------- contact points and reports

    @Override
    @Transactional
    public ContactPoint createContactPoint(ContactPointRequest r) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Valid v = validContact(r, null);
        try {
            jdbc.sql("""
                            insert into gov_contact_points (id, name, kind, value, description, single_point,
                                created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, v.name, v.kind, v.value, v.description, v.single, ts(now), ts(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("a contact point named '" + v.name + "' exists already");
        }
        ContactPoint created = contactPoint(id).orElseThrow();
        audit.record("created", "contact-point", id.toString(), null, created);
        return created;
    }

    @Override
    @Transactional
    public ContactPoint updateContactPoint(UUID id, ContactPointRequest r) {
        ContactPoint before = contactPoint(id).orElseThrow(() -> new NoSuchElementException("no contact point " + id));
        Valid v = validContact(r, id);
        try {
            jdbc.sql("""
                            update gov_contact_points set name = ?, kind = ?, value = ?, description = ?,
                                single_point = ?, updated_at = ? where id = ?""")
                    .params(v.name, v.kind, v.value, v.description, v.single, ts(clock.instant()), id)
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("a contact point named '" + v.name + "' exists already");
        }
        ContactPoint after = contactPoint(id).orElseThrow();
        audit.record("updated", "contact-point", id.toString(), before, after);
        return after;
    }

    private record Valid(String name, String kind, String value, String description, boolean single) {}

    private Valid validContact(ContactPointRequest r, UUID self) {
        String name = Checks.required(r.name(), "name", 200);
        String kind = Checks.oneOf(r.kind(), "kind", CONTACT_KINDS, null);
        String value = Checks.required(r.value(), "value", 500);
        if (kind.equals("email") && !value.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalArgumentException("value must be an e-mail address for kind email");
        }
        if (kind.equals("url") && !value.matches("(?i)https?://\\S+")) {
            throw new IllegalArgumentException("value must be an http(s) URL for kind url");
        }
        boolean single = Boolean.TRUE.equals(r.singlePoint());
        if (single) {
            Integer others = jdbc.sql(
                            "select count(*) from gov_contact_points where single_point and id is distinct from ?")
                    .param(self)
                    .query(Integer.class)
                    .single();
            if (others > 0) {
                throw new IllegalStateException("there is a single point of contact already; change that one first");
            }
        }
        return new Valid(name, kind, value, Checks.optional(r.description(), "description", 2000), single);
    }

    private Optional<ContactPoint> contactPoint(UUID id) {
        return jdbc.sql("select * from gov_contact_points where id = ?")
                .param(id)
                .query(JdbcGovernanceService::contactPoint)
                .optional();
    }

    @Override
    @Transactional
    public boolean deleteContactPoint(UUID id) {
        Optional<ContactPoint> before = contactPoint(id);
        if (before.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from gov_contact_points where id = ?").param(id).update();
        audit.record("deleted", "contact-point", id.toString(), before.get(), null);
        return true;
    }

    @Override
    public List<ContactPoint> contactPoints() {
        return jdbc.sql("select * from gov_contact_points order by single_point desc, name")
                .query(JdbcGovernanceService::contactPoint)
                .list();
    }

    @Override
    @Transactional
    public IncidentReport report(IncidentReportRequest r) {
        String title = Checks.required(r.title(), "title", 200);
        String description = Checks.required(r.description(), "description", 20_000);
        AlertLevel level = AlertLevel.parse(r.severity() == null ? "medium" : r.severity());
        String application = Checks.optional(r.application(), "application", 63);
        String contact = Checks.optional(r.contact(), "contact", 500);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (r.occurredAt() != null && r.occurredAt().isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new IllegalArgumentException("occurredAt must not be in the future");
        }
        Actor reporter = Actor.current();
        UUID id = UUID.randomUUID();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("report_id", id.toString());
        event.put("title", title);
        event.put("description", description);
        event.put("reporter", reporter.name());
        if (contact != null) {
            event.put("contact", contact);
        }
        Map<String, String> entities = new LinkedHashMap<>();
        entities.put("reporter", reporter.name());
        Alert alert = alerts.raise(List.of(new NewAlert(
                        IncidentReport.RULE_ID,
                        "Reported incident: " + title,
                        level,
                        List.of("vigil.manual-report"),
                        IncidentReport.SOURCE,
                        application,
                        r.occurredAt(),
                        now,
                        entities,
                        Map.of("title", title),
                        JSON.writeValueAsString(event),
                        description,
                        null)))
                .getFirst();
        jdbc.sql("""
                        insert into gov_incident_reports (id, title, description, severity, application, occurred_at,
                            reporter, contact, alert_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        title,
                        description,
                        level.id(),
                        application,
                        ts(r.occurredAt()),
                        reporter.name(),
                        contact,
                        alert.id(),
                        ts(now))
                .update();
        IncidentReport report = new IncidentReport(
                id,
                title,
                description,
                level.id(),
                application,
                r.occurredAt(),
                reporter.name(),
                contact,
                alert.id(),
                now);
        events.publishEvent(new IncidentReported(id, alert.id(), title, level.id(), reporter.name(), now));
        audit.record("reported", "incident-report", id.toString(), null, report);
        return report;
    }

    @Override
    public List<IncidentReport> reports(int limit) {
        return jdbc.sql("select * from gov_incident_reports order by created_at desc limit ?")
                .param(Math.max(1, Math.min(limit, 500)))
                .query((rs, n) -> new IncidentReport(
                        rs.getObject("id", UUID.class),
                        rs.getString("title"),
                        rs.getString("description"),
                        rs.getString("severity"),
                        rs.getString("application"),
                        instant(rs, "occurred_at"),
                        rs.getString("reporter"),
                        rs.getString("contact"),
                        rs.getObject("alert_id", UUID.class),
                        instant(rs, "created_at")))
                .list();
    }

    // ---------------------------------------------------------------- training

    @Override
    @Transactional
    public TrainingRecord recordTraining(TrainingRequest r) {
        String person = user(Checks.required(r.person(), "person", 200), "person");
        String processKey =
                requireProcess(Checks.key(r.processKey(), "processKey")).key();
        String course = Checks.required(r.course(), "course", 200);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant completed = (r.completedAt() == null ? now : r.completedAt()).truncatedTo(ChronoUnit.MICROS);
        if (completed.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new IllegalArgumentException("completedAt must not be in the future");
        }
        Instant expires = r.expiresAt() == null ? null : r.expiresAt().truncatedTo(ChronoUnit.MICROS);
        if (expires == null) {
            int days = r.validForDays() == null ? 365 : r.validForDays();
            if (days < 1 || days > 3660) {
                throw new IllegalArgumentException("validForDays must be between 1 and 3660");
            }
            expires = completed.plus(Duration.ofDays(days));
        } else if (!expires.isAfter(completed)) {
            throw new IllegalArgumentException("expiresAt must be after completedAt");
        }
        UUID id = UUID.randomUUID();
        String evidence = Checks.optional(r.evidence(), "evidence", 2000);
        jdbc.sql("""
                        insert into gov_training (id, person, process_key, course, completed_at, expires_at, evidence,
                            created_at) values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, person, processKey, course, ts(completed), ts(expires), evidence, ts(now))
                .update();
        TrainingRecord t = new TrainingRecord(id, person, processKey, course, completed, expires, evidence, now);
        audit.record("recorded", "training", id.toString(), null, t);
        return t;
    }

    @Override
    @Transactional
    public boolean deleteTraining(UUID id) {
        Optional<TrainingRecord> before = jdbc.sql("select * from gov_training where id = ?")
                .param(id)
                .query(JdbcGovernanceService::training)
                .optional();
        if (before.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from gov_training where id = ?").param(id).update();
        audit.record("deleted", "training", id.toString(), before.get(), null);
        return true;
    }

    @Override
    public List<TrainingRecord> training(String processKey) {
        if (processKey == null) {
            return jdbc.sql("select * from gov_training order by completed_at desc, id desc")
                    .query(JdbcGovernanceService::training)
                    .list();
        }
        return jdbc.sql("select * from gov_training where process_key = ? order by completed_at desc, id desc")
                .param(processKey.strip().toLowerCase(java.util.Locale.ROOT))
                .query(JdbcGovernanceService::training)
                .list();
    }

    /** Served by {@code gov_training_listed_idx} / {@code gov_training_process_listed_idx}. */
    static final dev.vigil.server.platform.jdbc.Keyset TRAINING_ORDER = new dev.vigil.server.platform.jdbc.Keyset(
            "training",
            "completed_at",
            dev.vigil.server.platform.jdbc.Keyset.Kind.TIMESTAMP,
            "id",
            dev.vigil.server.platform.jdbc.Keyset.Kind.UUID);

    @Override
    public dev.vigil.server.platform.api.Page<TrainingRecord> training(
            String processKey, dev.vigil.server.platform.api.PageQuery page) {
        dev.vigil.server.platform.jdbc.SqlFilter where = new dev.vigil.server.platform.jdbc.SqlFilter();
        if (processKey != null) {
            where.and("process_key = ?", processKey.strip().toLowerCase(java.util.Locale.ROOT));
        }
        return TRAINING_ORDER.page(
                jdbc,
                where,
                "gov_training",
                "select * from gov_training",
                page,
                page.descendingBy("completedAt"),
                JdbcGovernanceService::training,
                TrainingRecord::completedAt,
                TrainingRecord::id);
    }

    // ---------------------------------------------------------------- exercises

    @Override
    @Transactional
    public Exercise recordExercise(ExerciseRequest r) {
        String title = Checks.required(r.title(), "title", 200);
        String kind = Checks.oneOf(r.kind(), "kind", EXERCISE_KINDS, null);
        String processKey = r.processKey() == null
                ? null
                : requireProcess(Checks.key(r.processKey(), "processKey")).key();
        String scenario = Checks.required(r.scenario(), "scenario", 20_000);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant held = r.heldAt() == null ? now : r.heldAt();
        if (held.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new IllegalArgumentException("heldAt must not be in the future (record exercises that took place)");
        }
        List<String> participants = Checks.names(r.participants(), "participants");
        for (String p : participants) {
            party(p, "participants");
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into gov_exercises (id, title, kind, process_key, scenario, held_at, participants,
                            summary, created_at) values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?)""")
                .params(
                        id,
                        title,
                        kind,
                        processKey,
                        scenario,
                        ts(held),
                        textArray(participants),
                        Checks.optional(r.summary(), "summary", 20_000),
                        ts(now))
                .update();
        Exercise e = exercise(id).orElseThrow();
        audit.record("recorded", "exercise", id.toString(), null, e);
        return e;
    }

    @Override
    public List<Exercise> exercises() {
        List<UUID> ids = jdbc.sql("select id from gov_exercises order by held_at desc")
                .query(UUID.class)
                .list();
        List<Exercise> out = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            exercise(id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<Exercise> exercise(UUID id) {
        List<Exercise.Finding> findings = jdbc.sql(
                        "select * from gov_exercise_findings where exercise_id = ? order by created_at, id")
                .param(id)
                .query(JdbcGovernanceService::finding)
                .list();
        return jdbc.sql("select * from gov_exercises where id = ?")
                .param(id)
                .query((rs, n) -> new Exercise(
                        rs.getObject("id", UUID.class),
                        rs.getString("title"),
                        rs.getString("kind"),
                        rs.getString("process_key"),
                        rs.getString("scenario"),
                        instant(rs, "held_at"),
                        list(rs, "participants"),
                        rs.getString("summary"),
                        findings,
                        instant(rs, "created_at")))
                .optional();
    }

    @Override
    @Transactional
    public Exercise addFinding(UUID exerciseId, FindingRequest r) {
        Exercise before =
                exercise(exerciseId).orElseThrow(() -> new NoSuchElementException("no exercise " + exerciseId));
        String finding = Checks.required(r.finding(), "finding", 5000);
        String action = Checks.required(r.action(), "action", 5000);
        String owner = user(Checks.required(r.owner(), "owner", 200), "owner");
        if (r.dueDate() == null) {
            throw new IllegalArgumentException("dueDate is required");
        }
        jdbc.sql("""
                        insert into gov_exercise_findings (id, exercise_id, finding, action, owner, due_date, status,
                            created_at) values (?, ?, ?, ?, ?, ?, 'open', ?)""")
                .params(
                        UUID.randomUUID(),
                        exerciseId,
                        finding,
                        action,
                        owner,
                        Date.valueOf(r.dueDate()),
                        ts(clock.instant()))
                .update();
        Exercise after = exercise(exerciseId).orElseThrow();
        audit.record("finding-added", "exercise", exerciseId.toString(), before, after);
        return after;
    }

    @Override
    @Transactional
    public Exercise closeFinding(UUID findingId, String resolution) {
        UUID exerciseId = jdbc.sql("select exercise_id from gov_exercise_findings where id = ? for update")
                .param(findingId)
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> new NoSuchElementException("no finding " + findingId));
        Exercise before = exercise(exerciseId).orElseThrow();
        String res = Checks.required(resolution, "resolution", 5000);
        int n = jdbc.sql("""
                        update gov_exercise_findings set status = 'done', closed_at = ?, resolution = ?
                        where id = ? and status = 'open'""").params(ts(clock.instant()), res, findingId).update();
        if (n == 0) {
            throw new IllegalStateException("finding " + findingId + " is closed already");
        }
        Exercise after = exercise(exerciseId).orElseThrow();
        audit.record("finding-closed", "exercise", exerciseId.toString(), before, after);
        return after;
    }

    // ---------------------------------------------------------------- reminders

    @Override
    @Transactional
    public List<GovernanceReminder> sendDueReminders(Instant now) {
        List<GovernanceReminder> due = new ArrayList<>();
        for (GovernedProcess p : processes()) {
            if (p.nextReviewDue().isBefore(now.plus(REVIEW_REMINDER_WINDOW))) {
                String msg = p.reviewOverdue(now)
                        ? "The review of process '" + p.title() + "' is overdue since " + p.nextReviewDue()
                        : "The review of process '" + p.title() + "' is due on " + p.nextReviewDue();
                due.add(new GovernanceReminder("process-review", p.key(), p.owner(), p.nextReviewDue(), msg));
            }
        }
        for (TrainingRecord t : training(null)) {
            if (t.expiresAt() != null && t.expiresAt().isBefore(now.plus(TRAINING_REMINDER_WINDOW)) && !renewed(t)) {
                due.add(new GovernanceReminder(
                        "training-expiry",
                        t.id().toString(),
                        t.person(),
                        t.expiresAt(),
                        "Training '" + t.course() + "' of " + t.person() + " on process '" + t.processKey()
                                + "' expires on " + t.expiresAt()));
            }
        }
        for (Exercise e : exercises()) {
            for (Exercise.Finding f : e.findings()) {
                Instant dueAt = f.dueDate().atStartOfDay(ZoneOffset.UTC).toInstant();
                if (f.open() && !dueAt.isAfter(now)) {
                    due.add(new GovernanceReminder(
                            "finding-follow-up",
                            f.id().toString(),
                            f.owner(),
                            dueAt,
                            "Follow-up of exercise '" + e.title() + "' is overdue: " + f.action()));
                }
            }
        }
        jdbc.sql("""
                        select id, owner, due_date, message from gov_log_defects where status = 'open'
                        and due_date <= ?""")
                .param(Date.valueOf(LocalDate.ofInstant(now, ZoneOffset.UTC)))
                .query(rs -> {
                    Instant dueAt = rs.getObject("due_date", LocalDate.class)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant();
                    due.add(new GovernanceReminder(
                            "log-defect",
                            rs.getObject("id", UUID.class).toString(),
                            rs.getString("owner"),
                            dueAt,
                            "Missing-log defect is overdue: " + rs.getString("message")));
                });
        List<GovernanceReminder> sent = new ArrayList<>();
        for (GovernanceReminder r : due) {
            int inserted = jdbc.sql("""
                            insert into gov_reminders_sent (kind, subject, due, sent_at) values (?, ?, ?, ?)
                            on conflict do nothing""")
                    .params(r.kind(), r.subject(), ts(r.due()), ts(now))
                    .update();
            if (inserted > 0) {
                events.publishEvent(r);
                sent.add(r);
            }
        }
        return sent;
    }

    private boolean renewed(TrainingRecord t) {
        Integer later = jdbc.sql("""
                        select count(*) from gov_training where person = ? and process_key = ? and completed_at > ?""")
                .params(t.person(), t.processKey(), ts(t.completedAt()))
                .query(Integer.class)
                .single();
        return later > 0;
    }

    // ---------------------------------------------------------------- people

    /** The user name of an existing user (case-insensitive lookup), else 400. */
    private String user(String name, String field) {
        return users.findByUsername(name)
                .map(u -> u.username())
                .orElseThrow(() -> new IllegalArgumentException(field + ": no user '" + name + "'"));
    }

    /** A user name or team name that exists, else 400. */
    private String party(String name, String field) {
        Optional<String> u = users.findByUsername(name).map(x -> x.username());
        if (u.isPresent()) {
            return u.get();
        }
        for (Team t : users.teams()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t.name();
            }
        }
        throw new IllegalArgumentException(field + ": no user or team '" + name + "'");
    }

    private List<String> parties(List<String> names, String field) {
        List<String> out = new ArrayList<>();
        for (String n : Checks.names(names, field)) {
            out.add(party(n, field));
        }
        return out;
    }

    private static int interval(Integer days) {
        int d = days == null ? 365 : days;
        if (d < 1 || d > 3660) {
            throw new IllegalArgumentException("reviewIntervalDays must be between 1 and 3660");
        }
        return d;
    }

    // ---------------------------------------------------------------- row mappers

    static GovernedProcess process(ResultSet rs, int n) throws SQLException {
        return new GovernedProcess(
                rs.getObject("id", UUID.class),
                rs.getString("key"),
                rs.getString("title"),
                ProcessKind.parse(rs.getString("kind")),
                rs.getString("owner"),
                rs.getString("escalation_path"),
                rs.getInt("review_interval_days"),
                instant(rs, "last_reviewed_at"),
                instant(rs, "next_review_due"),
                rs.getInt("current_version"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static ProcessDocument document(String key, ResultSet rs) throws SQLException {
        return new ProcessDocument(
                key,
                rs.getInt("version"),
                rs.getString("markdown"),
                rs.getString("summary"),
                rs.getString("author"),
                instant(rs, "created_at"));
    }

    private static RaciAssignment raciRow(ResultSet rs, int n) throws SQLException {
        return new RaciAssignment(
                rs.getObject("id", UUID.class),
                rs.getString("incident_type"),
                rs.getString("activity"),
                list(rs, "responsible"),
                rs.getString("accountable"),
                list(rs, "consulted"),
                list(rs, "informed"),
                instant(rs, "updated_at"));
    }

    private static ContactPoint contactPoint(ResultSet rs, int n) throws SQLException {
        return new ContactPoint(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("kind"),
                rs.getString("value"),
                rs.getString("description"),
                rs.getBoolean("single_point"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    static TrainingRecord training(ResultSet rs, int n) throws SQLException {
        return new TrainingRecord(
                rs.getObject("id", UUID.class),
                rs.getString("person"),
                rs.getString("process_key"),
                rs.getString("course"),
                instant(rs, "completed_at"),
                instant(rs, "expires_at"),
                rs.getString("evidence"),
                instant(rs, "created_at"));
    }

    private static Exercise.Finding finding(ResultSet rs, int n) throws SQLException {
        return new Exercise.Finding(
                rs.getObject("id", UUID.class),
                rs.getString("finding"),
                rs.getString("action"),
                rs.getString("owner"),
                rs.getObject("due_date", LocalDate.class),
                rs.getString("status"),
                instant(rs, "closed_at"),
                rs.getString("resolution"),
                instant(rs, "created_at"));
    }
}
