package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.TaskService;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Tasks in {@code incident_tasks}; every change is audited and written to the timeline. */
@Service
class DefaultTaskService implements TaskService {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final Timeline timeline;
    private final IncidentRepository incidents;

    DefaultTaskService(JdbcClient jdbc, Clock clock, AuditLog audit, Timeline timeline, IncidentRepository incidents) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.timeline = timeline;
        this.incidents = incidents;
    }

    @Override
    public List<IncidentTask> list(UUID incidentId) {
        return jdbc.sql("select * from incident_tasks where incident_id = ? order by position, created_at")
                .param(incidentId)
                .query((rs, n) -> map(rs))
                .list();
    }

    /** Open mandatory tasks (closure gate). */
    List<IncidentTask> openMandatory(UUID incidentId) {
        return list(incidentId).stream().filter(t -> t.mandatory() && t.open()).toList();
    }

    @Override
    @Transactional
    public IncidentTask add(
            UUID incidentId,
            String title,
            String instructions,
            String ownerRole,
            String assignee,
            boolean mandatory,
            Instant dueAt) {
        incidents.lock(incidentId);
        IncidentTask t = insert(
                incidentId,
                Texts.required(title, "title", 300),
                Texts.optional(instructions, "instructions", 20000),
                Texts.optional(ownerRole, "owner role", 100),
                Texts.optional(assignee, "assignee", 200),
                mandatory,
                dueAt,
                null,
                null);
        timeline.auto(incidentId, "task", "Task added: " + t.title() + (mandatory ? " (mandatory)" : ""), null);
        audit.record("incident.task.add", "incident", incidentId.toString(), null, t);
        return t;
    }

    /** Inserts a task at the end (no audit or timeline: callers describe the batch). */
    IncidentTask insert(
            UUID incidentId,
            String title,
            String instructions,
            String ownerRole,
            String assignee,
            boolean mandatory,
            Instant dueAt,
            String playbook,
            Integer playbookVersion) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into incident_tasks (id, incident_id, position, title, instructions, owner_role, assignee,
                            mandatory, due_at, status, playbook_key, playbook_ver, created_at)
                        values (?, ?, (select coalesce(max(position), 0) + 1 from incident_tasks where incident_id = ?),
                            ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)""")
                .params(
                        id,
                        incidentId,
                        incidentId,
                        title,
                        instructions,
                        ownerRole,
                        assignee,
                        mandatory,
                        IncidentRepository.ts(dueAt),
                        playbook,
                        playbookVersion,
                        java.sql.Timestamp.from(clock.instant()))
                .update();
        return get(incidentId, id);
    }

    private IncidentTask get(UUID incidentId, UUID taskId) {
        return jdbc.sql("select * from incident_tasks where id = ? and incident_id = ?")
                .params(taskId, incidentId)
                .query((rs, n) -> map(rs))
                .optional()
                .orElseThrow(() -> new NoSuchElementException("no task " + taskId + " in incident " + incidentId));
    }

    @Override
    @Transactional
    public IncidentTask complete(UUID incidentId, UUID taskId, String note) {
        return finish(incidentId, taskId, "done", Texts.optional(note, "note", 4000));
    }

    @Override
    @Transactional
    public IncidentTask skip(UUID incidentId, UUID taskId, String note) {
        IncidentTask t = get(incidentId, taskId);
        if (t.mandatory()) {
            throw new IllegalStateException("task '" + t.title() + "' is mandatory: it cannot be skipped");
        }
        return finish(incidentId, taskId, "skipped", Texts.required(note, "a note saying why it is skipped", 4000));
    }

    private IncidentTask finish(UUID incidentId, UUID taskId, String status, String note) {
        incidents.lock(incidentId);
        IncidentTask before = get(incidentId, taskId);
        if (!before.open()) {
            throw new IllegalStateException("task '" + before.title() + "' is already " + before.status());
        }
        jdbc.sql("""
                        update incident_tasks set status = ?, note = coalesce(?, note), completed_at = ?,
                            completed_by = ? where id = ?""")
                .params(status, note, java.sql.Timestamp.from(clock.instant()), Timeline.actorName(), taskId)
                .update();
        IncidentTask after = get(incidentId, taskId);
        timeline.auto(
                incidentId, "task", (status.equals("done") ? "Task done: " : "Task skipped: ") + after.title(), note);
        audit.record(
                "incident.task." + (status.equals("done") ? "complete" : "skip"),
                "incident",
                incidentId.toString(),
                before,
                after);
        return after;
    }

    @Override
    @Transactional
    public IncidentTask reopen(UUID incidentId, UUID taskId) {
        incidents.lock(incidentId);
        IncidentTask before = get(incidentId, taskId);
        if (before.open()) {
            return before;
        }
        jdbc.sql("update incident_tasks set status = 'open', completed_at = null, completed_by = null where id = ?")
                .param(taskId)
                .update();
        IncidentTask after = get(incidentId, taskId);
        timeline.auto(incidentId, "task", "Task reopened: " + after.title(), null);
        audit.record("incident.task.reopen", "incident", incidentId.toString(), before, after);
        return after;
    }

    @Override
    @Transactional
    public IncidentTask assign(UUID incidentId, UUID taskId, String assignee) {
        incidents.lock(incidentId);
        IncidentTask before = get(incidentId, taskId);
        jdbc.sql("update incident_tasks set assignee = ? where id = ?")
                .params(Texts.optional(assignee, "assignee", 200), taskId)
                .update();
        IncidentTask after = get(incidentId, taskId);
        timeline.auto(
                incidentId,
                "task",
                "Task " + after.title() + " assigned to " + (after.assignee() == null ? "nobody" : after.assignee()),
                null);
        audit.record("incident.task.assign", "incident", incidentId.toString(), before, after);
        return after;
    }

    private static IncidentTask map(ResultSet rs) throws SQLException {
        return new IncidentTask(
                rs.getObject("id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getInt("position"),
                rs.getString("title"),
                rs.getString("instructions"),
                rs.getString("owner_role"),
                rs.getString("assignee"),
                rs.getBoolean("mandatory"),
                IncidentRepository.instant(rs, "due_at"),
                rs.getString("status"),
                rs.getString("playbook_key"),
                (Integer) rs.getObject("playbook_ver"),
                rs.getString("note"),
                IncidentRepository.instant(rs, "completed_at"),
                rs.getString("completed_by"),
                IncidentRepository.instant(rs, "created_at"));
    }
}
