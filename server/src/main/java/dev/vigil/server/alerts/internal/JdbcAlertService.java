package dev.vigil.server.alerts.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertPage;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.AlertsRaised;
import dev.vigil.server.alerts.AttackTactics;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.platform.jdbc.SqlFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts in table {@code alerts}. A batch is one JDBC batch insert plus one {@link AlertsRaised} event (per
 * {@value AlertsRaised#MAX_ALERTS} alerts) announcing the alerts actually stored, in one transaction, so the Modulith
 * registry records the publications atomically with the rows and a storm costs a publication per batch, not per
 * alert. Text from logs is made
 * storable: PostgreSQL rejects NUL characters in {@code text} and {@code \u0000} in {@code jsonb}, so both become
 * U+FFFD rather than failing the batch; an event that is not valid JSON is wrapped as {@code {"_raw": ...}}.
 */
@Service
class JdbcAlertService implements AlertService {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;

    JdbcAlertService(
            JdbcTemplate jdbcTemplate,
            JdbcClient jdbc,
            ApplicationEventPublisher events,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
        this.events = events;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    @Transactional
    public List<Alert> raise(List<NewAlert> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Alert> stored = new ArrayList<>(batch.size());
        for (NewAlert n : batch) {
            stored.add(new Alert(
                    n.id() != null ? n.id() : UUID.randomUUID(),
                    clean(n.ruleId()),
                    clean(n.ruleTitle()),
                    n.level(),
                    n.tags().stream().map(JdbcAlertService::clean).toList(),
                    AttackTactics.of(n.tags()),
                    clean(n.source()),
                    clean(n.application()),
                    n.eventTime(),
                    n.receivedAt(),
                    now,
                    cleanMap(n.entities()),
                    cleanMap(n.matchedFields()),
                    eventJson(n.eventJson()),
                    clean(n.raw()),
                    n.correlation() == null ? null : eventJson(n.correlation()),
                    n.eventId()));
        }
        int[][] counts = jdbcTemplate.batchUpdate("""
                insert into alerts (id, rule_id, rule_title, level, level_rank, tags, source, application, event_time,
                    received_at, created_at, entities, matched_fields, event, raw, correlation, event_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?)
                on conflict do nothing""", stored, 500, (PreparedStatement ps, Alert a) -> {
            ps.setObject(1, a.id());
            ps.setString(2, a.ruleId());
            ps.setString(3, a.ruleTitle());
            ps.setString(4, a.level().id());
            ps.setShort(5, (short) a.level().ordinal());
            Array tags = ps.getConnection().createArrayOf("text", a.tags().toArray());
            ps.setArray(6, tags);
            ps.setString(7, a.source());
            ps.setString(8, a.application());
            ps.setTimestamp(9, a.eventTime() == null ? null : Timestamp.from(a.eventTime()));
            ps.setTimestamp(10, Timestamp.from(a.receivedAt()));
            ps.setTimestamp(11, Timestamp.from(a.createdAt()));
            ps.setString(12, json.writeValueAsString(a.entities()));
            ps.setString(13, json.writeValueAsString(a.matchedFields()));
            ps.setString(14, a.event());
            ps.setString(15, a.raw());
            ps.setString(16, a.correlation());
            if (a.eventId() == null) {
                ps.setNull(17, java.sql.Types.BIGINT);
            } else {
                ps.setLong(17, a.eventId());
            }
        });
        List<Alert> inserted = new ArrayList<>(stored.size());
        int k = 0;
        for (int[] chunk : counts) {
            for (int c : chunk) {
                if (c != 0) { // 1, or SUCCESS_NO_INFO
                    inserted.add(stored.get(k));
                }
                k++;
            }
        }
        stored = inserted;
        List<AlertRaised> announced = new ArrayList<>(Math.min(stored.size(), AlertsRaised.MAX_ALERTS));
        for (Alert a : stored) {
            announced.add(new AlertRaised(
                    a.id(),
                    a.ruleId(),
                    a.ruleTitle(),
                    a.level(),
                    a.tags(),
                    a.source(),
                    a.application(),
                    a.entities(),
                    a.eventTime(),
                    a.createdAt()));
            if (announced.size() == AlertsRaised.MAX_ALERTS) {
                events.publishEvent(new AlertsRaised(announced));
                announced.clear();
            }
            meters.counter("vigil.alerts.raised", "level", a.level().id()).increment();
        }
        if (!announced.isEmpty()) {
            events.publishEvent(new AlertsRaised(announced));
        }
        return stored;
    }

    @Override
    public Optional<Alert> get(UUID id) {
        return jdbc.sql("select * from alerts where id = ?")
                .param(id)
                .query((rs, i) -> map(rs))
                .optional();
    }

    @Override
    public List<Alert> getAll(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, Alert> byId = new java.util.HashMap<>();
        jdbc.sql("select * from alerts where id = any(?)")
                .param(ids.toArray(UUID[]::new))
                .query((rs, i) -> map(rs))
                .list()
                .forEach(a -> byId.put(a.id(), a));
        List<Alert> out = new ArrayList<>(byId.size());
        for (UUID id : new java.util.LinkedHashSet<>(ids)) {
            Alert a = byId.get(id);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public AlertPage find(AlertQuery q) {
        SqlFilter where = filter(q);
        switch (q.exercises()) {
            case EXCLUDE -> where.and("exercise_id is null");
            case ONLY -> where.and("exercise_id is not null");
            case ALL -> {}
        }
        long total = where.count(jdbc, "alerts");
        long hidden = q.exercises() == AlertQuery.Exercises.EXCLUDE
                ? filter(q).and("exercise_id is not null").count(jdbc, "alerts")
                : 0;
        List<Alert> items = where.list(
                jdbc,
                "select * from alerts",
                " order by created_at desc, id",
                q.size(),
                (long) q.page() * q.size(),
                (rs, i) -> map(rs));
        return new AlertPage(items, q.page(), q.size(), total, hidden);
    }

    /** The query's filters other than the exercise one. */
    private static SqlFilter filter(AlertQuery q) {
        SqlFilter where = new SqlFilter();
        if (q.minLevel() != null) {
            where.and("level_rank >= ?", (short) q.minLevel().ordinal());
        }
        where.whenPresent("rule_id = ?", q.ruleId())
                .whenPresent("source = ?", q.source())
                .whenPresent("application = ?", q.application());
        if (q.tag() != null) {
            where.and("tags @> array[?]::text[]", q.tag().toLowerCase(java.util.Locale.ROOT));
        }
        where.whenPresent("exists (select 1 from jsonb_each_text(entities) e where e.value = ?)", q.entity())
                .range("created_at", q.from(), q.to());
        return where;
    }

    @Override
    public Map<Long, List<UUID>> alertIdsByEvent(java.util.Collection<Long> eventIds) {
        if (eventIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, List<UUID>> out = new java.util.LinkedHashMap<>();
        jdbc.sql("select event_id, id from alerts where event_id = any(?) order by event_id, created_at")
                .param(eventIds.toArray(Long[]::new))
                .query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), x -> new ArrayList<>()).add(rs.getObject(2, UUID.class));
                });
        return out;
    }

    @Override
    public dev.vigil.server.alerts.AlertStats stats(Instant from, Instant to) {
        Instant start = from.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        java.util.Map<Instant, Long> hours = new java.util.LinkedHashMap<>();
        for (Instant h = start; h.isBefore(to); h = h.plus(java.time.Duration.ofHours(1))) {
            hours.put(h, 0L);
        }
        jdbc.sql("""
                        select date_trunc('hour', created_at) as hour, count(*) as n from alerts
                        where created_at >= ? and created_at < ? and exercise_id is null group by 1""")
                .params(java.sql.Timestamp.from(from), java.sql.Timestamp.from(to))
                .query((rs, i) -> java.util.Map.entry(rs.getTimestamp("hour").toInstant(), rs.getLong("n")))
                .list()
                .forEach(e -> hours.computeIfPresent(e.getKey(), (k, v) -> e.getValue()));
        java.util.Map<AlertLevel, Long> byLevel = new java.util.EnumMap<>(AlertLevel.class);
        for (AlertLevel l : AlertLevel.values()) {
            byLevel.put(l, 0L);
        }
        jdbc.sql("select level, count(*) as n from alerts where created_at >= ? and created_at < ?"
                        + " and exercise_id is null group by level")
                .params(java.sql.Timestamp.from(from), java.sql.Timestamp.from(to))
                .query((rs, i) -> byLevel.put(AlertLevel.parse(rs.getString("level")), rs.getLong("n")))
                .list();
        long total = byLevel.values().stream().mapToLong(Long::longValue).sum();
        return new dev.vigil.server.alerts.AlertStats(
                from,
                to,
                hours.entrySet().stream()
                        .map(e -> new dev.vigil.server.alerts.AlertStats.HourCount(e.getKey(), e.getValue()))
                        .toList(),
                byLevel,
                total);
    }

    @Override
    public long countByRule(String ruleId) {
        return jdbc.sql("select count(*) from alerts where rule_id = ? and exercise_id is null")
                .param(ruleId)
                .query(Long.class)
                .single();
    }

    @Override
    public java.util.Map<String, Long> countsByRule(Instant from, Instant to) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        jdbc.sql("""
                        select rule_id, count(*) as n from alerts
                        where exercise_id is null and (cast(? as timestamptz) is null or created_at >= ?)
                          and (cast(? as timestamptz) is null or created_at < ?)
                        group by rule_id""")
                .params(
                        from == null ? null : java.sql.Timestamp.from(from),
                        from == null ? null : java.sql.Timestamp.from(from),
                        to == null ? null : java.sql.Timestamp.from(to),
                        to == null ? null : java.sql.Timestamp.from(to))
                .query(rs -> {
                    out.put(rs.getString("rule_id"), rs.getLong("n"));
                });
        return out;
    }

    @Override
    public List<Alert> exerciseAlerts(UUID exercise, Instant since, int limit) {
        return jdbc.sql(
                        "select * from alerts where exercise_id = ? and created_at >= ? order by created_at, id limit ?")
                .params(exercise, Timestamp.from(since), limit)
                .query((rs, i) -> map(rs))
                .list();
    }

    private Alert map(ResultSet rs) throws SQLException {
        List<String> tags = Arrays.asList((String[]) rs.getArray("tags").getArray());
        return new Alert(
                rs.getObject("id", UUID.class),
                rs.getString("rule_id"),
                rs.getString("rule_title"),
                AlertLevel.parse(rs.getString("level")),
                tags,
                AttackTactics.of(tags),
                rs.getString("source"),
                rs.getString("application"),
                instant(rs, "event_time"),
                instant(rs, "received_at"),
                instant(rs, "created_at"),
                json.readValue(rs.getString("entities"), STRING_MAP),
                json.readValue(rs.getString("matched_fields"), STRING_MAP),
                rs.getString("event"),
                rs.getString("raw"),
                rs.getString("correlation"),
                rs.getObject("event_id") == null ? null : rs.getLong("event_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Text PostgreSQL can store: NUL characters become U+FFFD. */
    static String clean(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private static Map<String, String> cleanMap(Map<String, String> map) {
        boolean dirty = false;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey().indexOf('\0') >= 0
                    || (e.getValue() != null && e.getValue().indexOf('\0') >= 0)) {
                dirty = true;
                break;
            }
        }
        if (!dirty) {
            return map;
        }
        Map<String, String> copy = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(clean(k), clean(v)));
        return copy;
    }

    /** A JSON object PostgreSQL's jsonb accepts. */
    private String eventJson(String text) {
        String t = text.replace("\\u0000", "\\ufffd");
        try {
            if (json.readTree(t).isObject()) {
                return clean(t);
            }
        } catch (RuntimeException notJson) {
            // fall through: keep the text as evidence
        }
        return json.writeValueAsString(Map.of("_raw", clean(text)));
    }
}
