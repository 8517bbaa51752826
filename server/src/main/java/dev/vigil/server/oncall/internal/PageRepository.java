package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.OnCallAdmin;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageLogEntry;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.platform.jdbc.SqlFilter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Rows of {@code oncall_pages} and {@code oncall_page_log}. */
@Repository
class PageRepository {
    private static final TypeReference<List<PageRequest.PageLink>> LINKS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final JdbcClient jdbc;
    private final JsonMapper json;

    PageRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<UUID> openFor(String subjectType, String subjectId) {
        return jdbc.sql(
                        "select id from oncall_pages where subject_type = ? and subject_id = ? and status <> 'resolved'")
                .params(subjectType, subjectId)
                .query(UUID.class)
                .optional();
    }

    /** Inserts a triggered page due now; empty when an open page for the subject appeared meanwhile. */
    Optional<UUID> insert(PageRequest r, EscalationPolicy policy, Instant now) {
        UUID id = UUID.randomUUID();
        return jdbc.sql("insert into oncall_pages (id, subject_type, subject_id, title, summary, severity, links,"
                        + " policy_id, policy, status, next_action_at, created_at) values (?, ?, ?, ?, ?, ?, ?::jsonb,"
                        + " ?, ?::jsonb, 'triggered', ?, ?) on conflict (subject_type, subject_id)"
                        + " where status <> 'resolved' do nothing returning id")
                .params(
                        id,
                        r.subjectType(),
                        r.subjectId(),
                        r.title(),
                        r.summary(),
                        r.severity().id(),
                        json.writeValueAsString(r.links()),
                        policy.id(),
                        json.writeValueAsString(policy),
                        Timestamp.from(now),
                        Timestamp.from(now))
                .query(UUID.class)
                .optional();
    }

    Optional<Page> lock(UUID id) {
        return jdbc.sql("select * from oncall_pages where id = ? for update")
                .param(id)
                .query(this::map)
                .optional();
    }

    Optional<Page> get(UUID id) {
        return jdbc.sql("select * from oncall_pages where id = ?")
                .param(id)
                .query(this::map)
                .optional();
    }

    UUID acknowledgedByUser(UUID id) {
        return jdbc.sql("select acknowledged_by_user from oncall_pages where id = ?")
                .param(id)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .optional()
                .orElse(null);
    }

    List<Page> forSubject(String type, String subjectId) {
        return jdbc.sql("select * from oncall_pages where subject_type = ? and subject_id = ? order by created_at desc")
                .params(type, subjectId)
                .query(this::map)
                .list();
    }

    List<Page> recent(PageStatus status, int limit) {
        return jdbc.sql("select * from oncall_pages where (cast(? as text) is null or status = ?)"
                        + " order by created_at desc limit ?")
                .params(status == null ? null : status.id(), status == null ? null : status.id(), limit)
                .query(this::map)
                .list();
    }

    /** Pages matching a filter, newest first. */
    List<Page> search(OnCallAdmin.PageFilter f) {
        SqlFilter where = new SqlFilter();
        if (f.subjectType() != null && f.subjectId() != null) {
            where.and("p.subject_type = ? and p.subject_id = ?", f.subjectType(), f.subjectId());
        }
        if (f.teamId() != null) {
            where.and("p.policy ->> 'teamId' = ?", f.teamId().toString());
        }
        if (f.userId() != null) {
            where.and(
                    "(p.acknowledged_by_user = ? or exists (select 1 from notify_deliveries d"
                            + " where d.correlation = 'page:' || p.id and d.recipient = ?))",
                    f.userId(),
                    f.userId());
        }
        where.range("p.created_at", f.from(), f.to());
        if (f.status() != null) {
            where.and("p.status = ?", f.status().id());
        }
        List<Object> params = new java.util.ArrayList<>(where.params());
        params.add(f.limit());
        return jdbc.sql("select * from oncall_pages p" + where.sql() + " order by p.created_at desc limit ?")
                .params(params)
                .query(this::map)
                .list();
    }

    /** Open pages whose next action is due at or before {@code at}. */
    List<UUID> due(Instant at, int limit) {
        return jdbc.sql("select id from oncall_pages where status <> 'resolved' and next_action_at <= ?"
                        + " order by next_action_at limit ?")
                .params(Timestamp.from(at), limit)
                .query(UUID.class)
                .list();
    }

    /** Appends a log line; with a step key, only once per key (returns false when it was there already). */
    boolean log(UUID pageId, Instant at, String kind, String actor, Map<String, ?> detail, String stepKey) {
        return jdbc.sql("insert into oncall_page_log (page_id, at, kind, actor, detail, step_key)"
                                + " values (?, ?, ?, ?, ?::jsonb, ?) on conflict (page_id, step_key) do nothing")
                        .params(pageId, Timestamp.from(at), kind, actor, json.writeValueAsString(detail), stepKey)
                        .update()
                > 0;
    }

    int countLog(UUID pageId, String kind) {
        return jdbc.sql("select count(*) from oncall_page_log where page_id = ? and kind = ?")
                .params(pageId, kind)
                .query(Integer.class)
                .single();
    }

    List<PageLogEntry> log(UUID pageId) {
        return jdbc.sql("select * from oncall_page_log where page_id = ? order by id")
                .param(pageId)
                .query((rs, n) -> new PageLogEntry(
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("kind"),
                        rs.getString("actor"),
                        json.readValue(rs.getString("detail"), MAP)))
                .list();
    }

    int nextRoundRobin(UUID policyId, int step) {
        return jdbc.sql("insert into oncall_round_robin (policy_id, step_index, next) values (?, ?, 1)"
                        + " on conflict (policy_id, step_index) do update set next = oncall_round_robin.next + 1"
                        + " returning next - 1")
                .params(policyId, step)
                .query(Integer.class)
                .single();
    }

    private Page map(ResultSet rs, int n) throws SQLException {
        return new Page(
                rs.getObject("id", UUID.class),
                rs.getString("subject_type"),
                rs.getString("subject_id"),
                rs.getString("title"),
                rs.getString("summary"),
                Severity.parse(rs.getString("severity")),
                json.readValue(rs.getString("links"), LINKS),
                rs.getObject("policy_id", UUID.class),
                json.readValue(rs.getString("policy"), EscalationPolicy.class),
                PageStatus.parse(rs.getString("status")),
                rs.getInt("epoch"),
                rs.getInt("round"),
                rs.getInt("step"),
                instant(rs, "next_action_at"),
                rs.getBoolean("exhausted"),
                rs.getTimestamp("created_at").toInstant(),
                instant(rs, "acknowledged_at"),
                rs.getString("acknowledged_by"),
                instant(rs, "resolved_at"),
                rs.getString("resolved_by"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
