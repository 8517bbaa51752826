package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.IncidentQuery;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rows of {@code incidents} and {@code incident_alerts}. Writers lock the incident row ({@link #lock}) first, so
 * concurrent changes to one incident are serialised by PostgreSQL.
 */
@Repository
class IncidentRepository {
    private static final TypeReference<Map<String, Incident.TriageDecision>> TRIAGE = new TypeReference<>() {};
    private static final TypeReference<Map<String, Instant>> MILESTONES = new TypeReference<>() {};
    static final Map<String, String> SORTS = Map.of(
            "createdAt", "created_at",
            "updatedAt", "updated_at",
            "number", "number",
            "priority", "priority",
            "severity", "case severity when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end",
            "lastAlertAt", "last_alert_at");

    private final JdbcClient jdbc;
    private final JsonMapper json;

    IncidentRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts and returns the stored incident (with its number). */
    Incident insert(Incident i) {
        jdbc.sql("""
                        insert into incidents (id, title, description, severity, priority, status, phase, outcome,
                            class_key, type_key, first_class_key, first_type_key, final_class_key, final_type_key,
                            owning_team, lead, assignees, applications, assets, techniques, tactics, data_types,
                            jurisdictions, escalation_policy, playbook_key, triage, group_key, alert_count,
                            last_alert_at, occurred_at, detected_at, reported_at, acknowledged_at, contained_at,
                            resolved_at, closed_at, milestones, merged_into, bridge_url, chat_url, close_note, source,
                            created_by, created_at, updated_at, version)
                        values (:id, :title, :description, :severity, :priority, :status, :phase, :outcome,
                            :classKey, :typeKey, :firstClassKey, :firstTypeKey, :finalClassKey, :finalTypeKey,
                            :team, :lead, :assignees, :applications, :assets, :techniques, :tactics, :dataTypes,
                            :jurisdictions, :policy, :playbook, :triage::jsonb, :groupKey, :alertCount,
                            :lastAlertAt, :occurredAt, :detectedAt, :reportedAt, :acknowledgedAt, :containedAt,
                            :resolvedAt, :closedAt, :milestones::jsonb, :mergedInto, :bridgeUrl, :chatUrl, :closeNote,
                            :source, :createdBy, :createdAt, :updatedAt, 0)""").params(params(i)).update();
        return get(i.id()).orElseThrow();
    }

    /** Writes every attribute; the version must still be the one read (optimistic check on top of the row lock). */
    Incident update(Incident i) {
        Map<String, Object> p = params(i);
        int n = jdbc.sql("""
                        update incidents set title = :title, description = :description, severity = :severity,
                            priority = :priority, status = :status, phase = :phase, outcome = :outcome,
                            class_key = :classKey, type_key = :typeKey, first_class_key = :firstClassKey,
                            first_type_key = :firstTypeKey, final_class_key = :finalClassKey,
                            final_type_key = :finalTypeKey, owning_team = :team, lead = :lead,
                            assignees = :assignees, applications = :applications, assets = :assets,
                            techniques = :techniques, tactics = :tactics, data_types = :dataTypes,
                            jurisdictions = :jurisdictions, escalation_policy = :policy, playbook_key = :playbook,
                            triage = :triage::jsonb, alert_count = :alertCount,
                            last_alert_at = :lastAlertAt, occurred_at = :occurredAt, detected_at = :detectedAt,
                            reported_at = :reportedAt, acknowledged_at = :acknowledgedAt,
                            contained_at = :containedAt, resolved_at = :resolvedAt, closed_at = :closedAt,
                            milestones = :milestones::jsonb, merged_into = :mergedInto, bridge_url = :bridgeUrl,
                            chat_url = :chatUrl, close_note = :closeNote, updated_at = :updatedAt,
                            version = version + 1
                        where id = :id and version = :version""").params(p).update();
        if (n == 0) {
            throw new IllegalStateException(
                    "incident " + i.reference() + " was changed concurrently; reload and retry");
        }
        return get(i.id()).orElseThrow();
    }

    private Map<String, Object> params(Incident i) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", i.id());
        p.put("title", i.title());
        p.put("description", i.description());
        p.put("severity", i.severity().id());
        p.put("priority", (short) i.priority());
        p.put("status", i.status().id());
        p.put("phase", i.phase().id());
        p.put("outcome", i.outcome() == null ? null : i.outcome().id());
        p.put("classKey", i.classification() == null ? null : i.classification().classKey());
        p.put("typeKey", i.classification() == null ? null : i.classification().typeKey());
        p.put(
                "firstClassKey",
                i.firstClassification() == null ? null : i.firstClassification().classKey());
        p.put(
                "firstTypeKey",
                i.firstClassification() == null ? null : i.firstClassification().typeKey());
        p.put(
                "finalClassKey",
                i.finalClassification() == null ? null : i.finalClassification().classKey());
        p.put(
                "finalTypeKey",
                i.finalClassification() == null ? null : i.finalClassification().typeKey());
        p.put("team", i.owningTeam());
        p.put("lead", i.lead());
        p.put("assignees", i.assignees().toArray(String[]::new));
        p.put("applications", i.applications().toArray(String[]::new));
        p.put("assets", i.assets().toArray(String[]::new));
        p.put("techniques", i.techniques().toArray(String[]::new));
        p.put("tactics", i.tactics().toArray(String[]::new));
        p.put("dataTypes", i.dataTypes().toArray(String[]::new));
        p.put("jurisdictions", i.jurisdictions().toArray(String[]::new));
        p.put("policy", i.escalationPolicy());
        p.put("playbook", i.playbook());
        p.put("triage", json.writeValueAsString(i.triage()));
        p.put("groupKey", null);
        p.put("alertCount", i.alertCount());
        p.put("lastAlertAt", ts(i.lastAlertAt()));
        p.put("occurredAt", ts(i.occurredAt()));
        p.put("detectedAt", ts(i.detectedAt()));
        p.put("reportedAt", ts(i.reportedAt()));
        p.put("acknowledgedAt", ts(i.acknowledgedAt()));
        p.put("containedAt", ts(i.containedAt()));
        p.put("resolvedAt", ts(i.resolvedAt()));
        p.put("closedAt", ts(i.closedAt()));
        p.put("milestones", json.writeValueAsString(i.milestones()));
        p.put("mergedInto", i.mergedInto());
        p.put("bridgeUrl", i.bridgeUrl());
        p.put("chatUrl", i.chatUrl());
        p.put("closeNote", i.closeNote());
        p.put("source", i.source());
        p.put("createdBy", i.createdBy());
        p.put("createdAt", ts(i.createdAt()));
        p.put("updatedAt", ts(i.updatedAt()));
        p.put("version", i.version());
        return p;
    }

    void setGroupKey(UUID id, String groupKey) {
        jdbc.sql("update incidents set group_key = ? where id = ?")
                .params(groupKey, id)
                .update();
    }

    Optional<Incident> get(UUID id) {
        return jdbc.sql("select * from incidents where id = ?")
                .param(id)
                .query((rs, n) -> map(rs))
                .optional();
    }

    Optional<Incident> byNumber(long number) {
        return jdbc.sql("select * from incidents where number = ?")
                .param(number)
                .query((rs, n) -> map(rs))
                .optional();
    }

    /** Reads the incident and locks its row to the end of the transaction. */
    Incident lock(UUID id) {
        return jdbc.sql("select * from incidents where id = ? for update")
                .param(id)
                .query((rs, n) -> map(rs))
                .optional()
                .orElseThrow(() -> new java.util.NoSuchElementException("no incident " + id));
    }

    /**
     * Takes the transaction-scoped advisory lock of each grouping key, in ascending order of the lock ids (so that
     * transactions locking overlapping sets of keys never wait on each other in a cycle), in one statement.
     */
    void lockGroups(java.util.Collection<String> groupKeys) {
        jdbc.sql("""
                        select pg_advisory_xact_lock(h) from (select distinct hashtextextended(k, 7) as h
                            from unnest(?::text[]) as k order by h) as keys""")
                .param(groupKeys.toArray(String[]::new))
                .query((rs, n) -> 1)
                .list();
    }

    /** Those of these alerts that are already in an incident. */
    List<UUID> groupedAmong(java.util.Collection<UUID> alertIds) {
        return jdbc.sql("select alert_id from incident_alerts where alert_id = any(?)")
                .param(alertIds.toArray(UUID[]::new))
                .query(UUID.class)
                .list();
    }

    /** The open incident with this group key whose last alert is at or after {@code since}, newest first. */
    Optional<UUID> openForGroup(String groupKey, Instant since) {
        return jdbc.sql("""
                        select id from incidents where group_key = ? and status not in ('closed', 'merged')
                            and last_alert_at >= ? order by last_alert_at desc limit 1""")
                .params(groupKey, Timestamp.from(since))
                .query(UUID.class)
                .optional();
    }

    long count(IncidentQuery q) {
        return filter(q).count(jdbc, "incidents");
    }

    private static SqlFilter filter(IncidentQuery q) {
        SqlFilter where = new SqlFilter();
        if (q.open() != null) {
            where.and(q.open() ? "status not in ('closed', 'merged')" : "status in ('closed', 'merged')");
        }
        if (q.status() != null) {
            where.and("status = ?", q.status().id());
        }
        if (q.minSeverity() != null) {
            where.and(SORTS.get("severity") + " >= ?", q.minSeverity().ordinal() + 1);
        }
        where.whenPresent("priority <= ?", q.maxPriority())
                .whenPresent("class_key = ?", q.classKey())
                .whenPresent("owning_team = ?", q.team())
                .whenPresent("lead = ?", q.lead());
        if (q.application() != null) {
            where.and("applications @> array[?]::text[]", q.application().toLowerCase(Locale.ROOT));
        }
        if (q.text() != null) {
            String like =
                    "%" + q.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            where.and(
                    "(title ilike ? or description ilike ? or 'inc-' || number = lower(?))",
                    like,
                    like,
                    q.text().strip());
        }
        where.whenPresent(
                        "exists (select 1 from obligation_stages s where s.incident_id = incidents.id"
                                + " and s.state = ?)",
                        q.deadline())
                .range("created_at", q.from(), q.to());
        switch (q.exercises()) {
            case EXCLUDE -> where.and("exercise_id is null");
            case ONLY -> where.and("exercise_id is not null");
            case ALL -> {}
        }
        return where;
    }

    Page<Incident> find(IncidentQuery q, PageQuery page) {
        SqlFilter where = filter(q);
        long total = where.count(jdbc, "incidents");
        String order = SqlFilter.orderBy(page, SORTS, " asc nulls last", " desc nulls last");
        List<Incident> items = where.list(
                jdbc,
                "select * from incidents",
                order.isEmpty() ? " order by created_at desc, id" : order + ", id",
                page.size(),
                page.offset(),
                (rs, n) -> map(rs));
        return Page.of(items, page, total);
    }

    // --- alerts of incidents

    Optional<UUID> incidentOf(UUID alertId) {
        return jdbc.sql("select incident_id from incident_alerts where alert_id = ?")
                .param(alertId)
                .query(UUID.class)
                .optional();
    }

    /** The listed (non-duplicate) alerts of the incident by fingerprint (the oldest of a fingerprint). */
    Map<String, UUID> listedFingerprints(UUID incidentId) {
        Map<String, UUID> out = new java.util.HashMap<>();
        jdbc.sql("""
                        select fingerprint, alert_id from incident_alerts
                        where incident_id = ? and duplicate_of is null and fingerprint is not null
                        order by added_at""").param(incidentId).query(rs -> {
            out.putIfAbsent(rs.getString(1), rs.getObject(2, UUID.class));
        });
        return out;
    }

    void addAlert(
            UUID alertId,
            UUID incidentId,
            String ruleId,
            String ruleTitle,
            String level,
            String fingerprint,
            UUID duplicateOf,
            Instant at,
            String by) {
        jdbc.sql("""
                        insert into incident_alerts (alert_id, incident_id, origin_incident, rule_id, rule_title, level,
                            fingerprint, duplicate_of, duplicate_count, last_seen_at, added_at, added_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""")
                .params(
                        alertId,
                        incidentId,
                        incidentId,
                        ruleId,
                        ruleTitle,
                        level,
                        fingerprint,
                        duplicateOf,
                        Timestamp.from(at),
                        Timestamp.from(at),
                        by)
                .update();
        if (duplicateOf != null) {
            jdbc.sql("""
                            update incident_alerts set duplicate_count = duplicate_count + 1,
                                last_seen_at = greatest(last_seen_at, ?) where alert_id = ?""").params(Timestamp.from(at), duplicateOf).update();
        }
    }

    /** Listed alerts of an incident (duplicates are counted on them), oldest first. Unbounded: see {@link #alerts(UUID, PageQuery, boolean)}. */
    List<IncidentAlert> alerts(UUID incidentId) {
        return jdbc.sql("""
                        select * from incident_alerts where incident_id = ? and duplicate_of is null
                        order by added_at, alert_id""").param(incidentId).query((rs, n) -> alert(rs)).list();
    }

    /**
     * The order of an incident's listed alerts: when they were added, the alert id breaking ties; served by
     * {@code incident_alerts_listed_idx (incident_id, added_at, alert_id) where duplicate_of is null}.
     */
    static final Keyset ALERT_ORDER =
            new Keyset("incident-alerts", "added_at", Keyset.Kind.TIMESTAMP, "alert_id", Keyset.Kind.UUID);

    /** One page of the listed alerts of an incident, oldest first (or newest first). */
    Page<IncidentAlert> alerts(UUID incidentId, PageQuery page, boolean newestFirst) {
        return ALERT_ORDER.page(
                jdbc,
                new SqlFilter().and("incident_id = ?", incidentId).and("duplicate_of is null"),
                "incident_alerts",
                "select * from incident_alerts",
                page,
                newestFirst,
                (rs, n) -> alert(rs),
                IncidentAlert::addedAt,
                IncidentAlert::alertId);
    }

    /** Which of {@code alertIds} are listed (not duplicates) in the incident. */
    java.util.Set<UUID> listedAmong(UUID incidentId, java.util.Collection<UUID> alertIds) {
        return new java.util.HashSet<>(jdbc.sql("""
                        select alert_id from incident_alerts
                        where incident_id = ? and duplicate_of is null and alert_id = any(?)""")
                .params(incidentId, alertIds.toArray(UUID[]::new))
                .query(UUID.class)
                .list());
    }

    /** How many alerts are listed (not duplicates) in the incident. */
    long listedCount(UUID incidentId) {
        return jdbc.sql("select count(*) from incident_alerts where incident_id = ? and duplicate_of is null")
                .param(incidentId)
                .query(Long.class)
                .single();
    }

    /** The first of {@code alertIds} (in the incident's alert order), or null. */
    IncidentAlert firstAmong(UUID incidentId, java.util.Collection<UUID> alertIds) {
        return jdbc.sql("""
                        select * from incident_alerts
                        where incident_id = ? and duplicate_of is null and alert_id = any(?)
                        order by added_at, alert_id limit 1""")
                .params(incidentId, alertIds.toArray(UUID[]::new))
                .query((rs, n) -> alert(rs))
                .optional()
                .orElse(null);
    }

    private static IncidentAlert alert(ResultSet rs) throws SQLException {
        return new IncidentAlert(
                rs.getObject("alert_id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getObject("origin_incident", UUID.class),
                rs.getString("rule_id"),
                rs.getString("rule_title"),
                rs.getString("level"),
                rs.getInt("duplicate_count"),
                instant(rs, "last_seen_at"),
                instant(rs, "added_at"),
                rs.getString("added_by"));
    }

    /** Moves alerts (and their duplicates) to another incident; returns how many rows moved. */
    int moveAlerts(List<UUID> alertIds, UUID to) {
        if (alertIds.isEmpty()) {
            return 0;
        }
        UUID[] ids = alertIds.toArray(UUID[]::new);
        return jdbc.sql("""
                        update incident_alerts set incident_id = ?
                        where alert_id = any(?) or duplicate_of = any(?)""").params(to, ids, ids).update();
    }

    int moveAllAlerts(UUID from, UUID to) {
        return jdbc.sql("update incident_alerts set incident_id = ? where incident_id = ?")
                .params(to, from)
                .update();
    }

    /** Alert rows (duplicates included) and the newest sighting of an incident. */
    void recount(UUID incidentId) {
        jdbc.sql("""
                        update incidents set alert_count = (select count(*) from incident_alerts a
                                where a.incident_id = incidents.id),
                            last_alert_at = coalesce((select max(last_seen_at) from incident_alerts a
                                where a.incident_id = incidents.id), last_alert_at)
                        where id = ?""").param(incidentId).update();
    }

    Incident map(ResultSet rs) throws SQLException {
        long number = rs.getLong("number");
        return new Incident(
                rs.getObject("id", UUID.class),
                number,
                "INC-" + number,
                rs.getString("title"),
                rs.getString("description"),
                IncidentSeverity.parse(rs.getString("severity")),
                rs.getInt("priority"),
                IncidentStatus.parse(rs.getString("status")),
                Phase.parse(rs.getString("phase")),
                rs.getString("outcome") == null ? null : Outcome.parse(rs.getString("outcome")),
                classification(rs, "class_key", "type_key"),
                classification(rs, "first_class_key", "first_type_key"),
                classification(rs, "final_class_key", "final_type_key"),
                rs.getString("owning_team"),
                rs.getString("lead"),
                strings(rs.getArray("assignees")),
                strings(rs.getArray("applications")),
                strings(rs.getArray("assets")),
                strings(rs.getArray("techniques")),
                strings(rs.getArray("tactics")),
                strings(rs.getArray("data_types")),
                strings(rs.getArray("jurisdictions")),
                rs.getString("escalation_policy"),
                rs.getString("playbook_key"),
                json.readValue(rs.getString("triage"), TRIAGE),
                rs.getInt("alert_count"),
                instant(rs, "last_alert_at"),
                instant(rs, "occurred_at"),
                instant(rs, "detected_at"),
                instant(rs, "reported_at"),
                instant(rs, "acknowledged_at"),
                instant(rs, "contained_at"),
                instant(rs, "resolved_at"),
                instant(rs, "closed_at"),
                json.readValue(rs.getString("milestones"), MILESTONES),
                rs.getObject("merged_into", UUID.class),
                rs.getString("bridge_url"),
                rs.getString("chat_url"),
                rs.getString("close_note"),
                rs.getString("source"),
                rs.getString("created_by"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                rs.getInt("version"));
    }

    private static Classification classification(ResultSet rs, String c, String t) throws SQLException {
        String ck = rs.getString(c);
        String tk = rs.getString(t);
        return ck == null || tk == null ? null : new Classification(ck, tk);
    }

    static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : List.copyOf(Arrays.asList((String[]) a.getArray()));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
