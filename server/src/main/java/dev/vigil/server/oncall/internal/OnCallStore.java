package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;
import dev.vigil.server.oncall.HolidayCalendar;
import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.oncall.TimeWindow;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Persistence of on-call configuration: people, teams, holiday calendars, schedules (layers as a JSON document
 * validated through the records' constructors), overrides and swaps, leave, escalation policies (steps as JSON) and
 * notification rules. Names are unique; a duplicate is an {@link IllegalStateException} (409).
 */
@Repository
class OnCallStore {
    private static final TypeReference<List<Layer>> LAYERS = new TypeReference<>() {};
    private static final TypeReference<List<EscalationStep>> STEPS = new TypeReference<>() {};
    private static final TypeReference<List<TimeWindow>> WINDOWS = new TypeReference<>() {};
    private static final TypeReference<List<HolidayCalendar.Holiday>> HOLIDAYS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final AuditLog audit;

    OnCallStore(JdbcClient jdbc, JsonMapper json, Clock clock, AuditLog audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.audit = audit;
    }

    static ZoneId zone(String id) {
        if (id == null || id.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(id.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + id + "' (use an IANA name, e.g. Europe/Berlin)");
        }
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static String required(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return limited(s.strip(), what, 200);
    }

    /** The forms' {@code maxlength}, enforced for every caller: names 200, descriptions 2000, reasons 500. */
    private static String limited(String s, String what, int max) {
        if (s != null && s.length() > max) {
            throw new IllegalArgumentException(what + " must be at most " + max + " characters");
        }
        return s;
    }

    private <T> T unique(java.util.function.Supplier<T> action, String what) {
        try {
            return action.get();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException(what + " already exists");
        }
    }

    /**
     * Saves one named item: {@code update} changes row {@code key}; when it changes none, {@code insert} creates it,
     * unless the caller asked for an existing {@code id} (then there is no such {@code what}: 404). The change is
     * audited as "created" or "updated" (with the state before), and a duplicate name is a 409 ({@code duplicate}).
     */
    private <T> T upsert(
            String auditType,
            String what,
            UUID id,
            UUID key,
            Function<UUID, Optional<T>> load,
            IntSupplier update,
            Runnable insert,
            String duplicate) {
        T before = load.apply(key).orElse(null);
        return unique(
                () -> {
                    int n = update.getAsInt();
                    if (n == 0) {
                        if (id != null) {
                            throw new NoSuchElementException("no " + what + " " + id);
                        }
                        insert.run();
                    }
                    T after = load.apply(key).orElseThrow();
                    audit.record(
                            n == 0 ? "created" : "updated", auditType, key.toString(), n == 0 ? null : before, after);
                    return after;
                },
                duplicate);
    }

    /** Deletes row {@code id} of {@code table} and audits its last state; false when there was none. */
    private boolean deleteAudited(String auditType, String table, UUID id, Function<UUID, Optional<?>> load) {
        Object before = load.apply(id).orElse(null);
        return audited(
                auditType,
                id,
                before,
                jdbc.sql("delete from " + table + " where id = ?").param(id).update() > 0);
    }

    private boolean audited(String type, UUID id, Object before, boolean deleted) {
        if (deleted) {
            audit.record("deleted", type, id.toString(), before, null);
        }
        return deleted;
    }

    // --- people

    @Transactional
    Person savePerson(UUID userId, String name, String email, String timeZone) {
        UUID id = userId == null ? UUID.randomUUID() : userId;
        ZoneId z = zone(timeZone);
        Person before = person(id).orElse(null);
        jdbc.sql("insert into oncall_people (user_id, name, email, time_zone, created_at, updated_at)"
                        + " values (?, ?, ?, ?, ?, ?) on conflict (user_id) do update set name = excluded.name,"
                        + " email = excluded.email, time_zone = excluded.time_zone, updated_at = excluded.updated_at")
                .params(
                        id,
                        required(name, "name"),
                        email == null || email.isBlank() ? null : email.strip(),
                        z.getId(),
                        now(),
                        now())
                .update();
        return person(id).orElseThrow();
    }

    Optional<Person> person(UUID id) {
        return jdbc.sql("select * from oncall_people where user_id = ?")
                .param(id)
                .query(this::mapPerson)
                .optional();
    }

    List<Person> people() {
        return jdbc.sql("select * from oncall_people order by name, user_id")
                .query(this::mapPerson)
                .list();
    }

    @Transactional
    boolean deletePerson(UUID id) {
        jdbc.sql("delete from oncall_notification_rules where user_id = ?")
                .param(id)
                .update();
        return jdbc.sql("delete from oncall_people where user_id = ?").param(id).update() > 0;
    }

    private Person mapPerson(ResultSet rs, int n) throws SQLException {
        return new Person(
                rs.getObject("user_id", UUID.class),
                rs.getString("name"),
                rs.getString("email"),
                ZoneId.of(rs.getString("time_zone")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    // --- holiday calendars

    @Transactional
    HolidayCalendar saveCalendar(UUID id, String name, List<HolidayCalendar.Holiday> holidays) {
        UUID key = id == null ? UUID.randomUUID() : id;
        String doc = json.writeValueAsString(holidays == null ? List.of() : holidays);
        return upsert(
                "holiday_calendar",
                "holiday calendar",
                id,
                key,
                this::calendar,
                () -> jdbc.sql("update oncall_holiday_calendars set name = ?, holidays = ?::jsonb, updated_at = ?"
                                + " where id = ?")
                        .params(required(name, "name"), doc, now(), key)
                        .update(),
                () -> jdbc.sql("insert into oncall_holiday_calendars (id, name, holidays, created_at, updated_at)"
                                + " values (?, ?, ?::jsonb, ?, ?)")
                        .params(key, name.strip(), doc, now(), now())
                        .update(),
                "a holiday calendar named '" + name + "'");
    }

    Optional<HolidayCalendar> calendar(UUID id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.sql("select * from oncall_holiday_calendars where id = ?")
                .param(id)
                .query(this::mapCalendar)
                .optional();
    }

    List<HolidayCalendar> calendars() {
        return jdbc.sql("select * from oncall_holiday_calendars order by name")
                .query(this::mapCalendar)
                .list();
    }

    @Transactional
    boolean deleteCalendar(UUID id) {
        return jdbc.sql("delete from oncall_holiday_calendars where id = ?")
                        .param(id)
                        .update()
                > 0;
    }

    Set<LocalDate> holidayDates(UUID calendarId) {
        return calendar(calendarId).map(HolidayCalendar::dates).orElse(Set.of());
    }

    private HolidayCalendar mapCalendar(ResultSet rs, int n) throws SQLException {
        return new HolidayCalendar(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                json.readValue(rs.getString("holidays"), HOLIDAYS),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    // --- teams

    @Transactional
    OnCallTeam saveTeam(UUID id, OnCallTeam t) {
        UUID key = id == null ? (t.id() == null ? UUID.randomUUID() : t.id()) : id;
        String name = required(t.name(), "name");
        String hours = json.writeValueAsString(t.businessHours());
        UUID[] members = t.members().toArray(UUID[]::new);
        return upsert(
                "oncall_team",
                "team",
                id,
                key,
                this::team,
                () -> jdbc.sql("update oncall_teams set name = ?, members = ?, time_zone = ?, business_hours ="
                                + " ?::jsonb, holiday_calendar_id = ?, fallback_user_id = ?, fallback_channel_id = ?,"
                                + " updated_at = ? where id = ?")
                        .params(
                                name,
                                members,
                                t.timeZone().getId(),
                                hours,
                                t.holidayCalendarId(),
                                t.fallbackUserId(),
                                t.fallbackChannelId(),
                                now(),
                                key)
                        .update(),
                () -> jdbc.sql("insert into oncall_teams (id, name, members, time_zone, business_hours,"
                                + " holiday_calendar_id, fallback_user_id, fallback_channel_id, created_at,"
                                + " updated_at) values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)")
                        .params(
                                key,
                                name,
                                members,
                                t.timeZone().getId(),
                                hours,
                                t.holidayCalendarId(),
                                t.fallbackUserId(),
                                t.fallbackChannelId(),
                                now(),
                                now())
                        .update(),
                "a team named '" + name + "'");
    }

    /** A team's id from its id (as text) or its name (exact, then case-insensitive). */
    Optional<UUID> teamIdByIdOrName(String idOrName) {
        try {
            UUID id = UUID.fromString(idOrName);
            if (team(id).isPresent()) {
                return Optional.of(id);
            }
        } catch (IllegalArgumentException notAnId) {
            // a name
        }
        return jdbc.sql("select id from oncall_teams where name = ? or lower(name) = lower(?) order by (name = ?) desc"
                        + " limit 1")
                .params(idOrName, idOrName, idOrName)
                .query(UUID.class)
                .optional();
    }

    Optional<OnCallTeam> team(UUID id) {
        if (id == null) {
            return Optional.empty();
        }
        return jdbc.sql("select * from oncall_teams where id = ?")
                .param(id)
                .query(this::mapTeam)
                .optional();
    }

    List<OnCallTeam> teams() {
        return jdbc.sql("select * from oncall_teams order by name")
                .query(this::mapTeam)
                .list();
    }

    @Transactional
    boolean deleteTeam(UUID id) {
        return deleteAudited("oncall_team", "oncall_teams", id, this::team);
    }

    private OnCallTeam mapTeam(ResultSet rs, int n) throws SQLException {
        Array a = rs.getArray("members");
        List<UUID> members = a == null ? List.of() : Arrays.asList((UUID[]) a.getArray());
        return new OnCallTeam(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                members,
                ZoneId.of(rs.getString("time_zone")),
                json.readValue(rs.getString("business_hours"), WINDOWS),
                rs.getObject("holiday_calendar_id", UUID.class),
                rs.getObject("fallback_user_id", UUID.class),
                rs.getObject("fallback_channel_id", UUID.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    // --- schedules

    @Transactional
    Schedule saveSchedule(UUID id, Schedule s) {
        UUID key = id == null ? UUID.randomUUID() : id;
        String name = required(s.name(), "name");
        limited(s.description(), "description", 2000);
        if (s.timeZone() == null) {
            throw new IllegalArgumentException("timeZone is required");
        }
        if (s.layers().size() > 20) {
            throw new IllegalArgumentException("a schedule has at most 20 layers");
        }
        String layers = json.writeValueAsString(s.layers());
        return upsert(
                "schedule",
                "schedule",
                id,
                key,
                this::schedule,
                () -> jdbc.sql("update oncall_schedules set name = ?, description = ?, time_zone = ?, team_id = ?,"
                                + " fallback_user_id = ?, layers = ?::jsonb, updated_at = ? where id = ?")
                        .params(
                                name,
                                s.description(),
                                s.timeZone().getId(),
                                s.teamId(),
                                s.fallbackUserId(),
                                layers,
                                now(),
                                key)
                        .update(),
                () -> jdbc.sql("insert into oncall_schedules (id, name, description, time_zone, team_id,"
                                + " fallback_user_id, layers, created_at, updated_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")
                        .params(
                                key,
                                name,
                                s.description(),
                                s.timeZone().getId(),
                                s.teamId(),
                                s.fallbackUserId(),
                                layers,
                                now(),
                                now())
                        .update(),
                "a schedule named '" + name + "'");
    }

    Optional<Schedule> schedule(UUID id) {
        return jdbc.sql("select * from oncall_schedules where id = ?")
                .param(id)
                .query(this::mapSchedule)
                .optional();
    }

    List<Schedule> schedules() {
        return jdbc.sql("select * from oncall_schedules order by name")
                .query(this::mapSchedule)
                .list();
    }

    @Transactional
    boolean deleteSchedule(UUID id) {
        return deleteAudited("schedule", "oncall_schedules", id, this::schedule);
    }

    private Schedule mapSchedule(ResultSet rs, int n) throws SQLException {
        return new Schedule(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("description"),
                ZoneId.of(rs.getString("time_zone")),
                rs.getObject("team_id", UUID.class),
                rs.getObject("fallback_user_id", UUID.class),
                json.readValue(rs.getString("layers"), LAYERS),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    // --- overrides, swaps, leave

    @Transactional
    ScheduleOverride addOverride(ScheduleOverride o) {
        if (o.userId() == null
                || o.start() == null
                || o.end() == null
                || !o.end().isAfter(o.start())) {
            throw new IllegalArgumentException("an override needs userId, start and an end after the start");
        }
        if (o.kind() == ScheduleOverride.Kind.SWAP && o.replaces() == null) {
            throw new IllegalArgumentException("a swap names whose shifts it takes (replaces)");
        }
        limited(o.reason(), "reason", 500);
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into oncall_overrides (id, schedule_id, kind, user_id, replaces, starts_at, ends_at, reason,"
                        + " created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        o.scheduleId(),
                        o.kind().id(),
                        o.userId(),
                        o.replaces(),
                        Timestamp.from(o.start()),
                        Timestamp.from(o.end()),
                        o.reason(),
                        now(),
                        o.createdBy())
                .update();
        ScheduleOverride created = jdbc.sql("select * from oncall_overrides where id = ?")
                .param(id)
                .query(OnCallStore::override)
                .single();
        audit.record("created", "schedule_" + created.kind().id(), id.toString(), null, created);
        return created;
    }

    /** Overrides of a schedule overlapping [from, to) (null: unbounded), by start. */
    List<ScheduleOverride> overrides(UUID scheduleId, Instant from, Instant to) {
        SqlFilter where = overlapping(new SqlFilter().and("schedule_id = ?", scheduleId), from, to);
        return jdbc.sql("select * from oncall_overrides" + where.sql() + OVERRIDE_ORDER.orderBy(false))
                .params(where.params())
                .query(OnCallStore::override)
                .list();
    }

    /**
     * The order of a schedule's overrides: by start, the id breaking ties; served by
     * {@code oncall_overrides_keyset_idx (schedule_id, starts_at, id)}.
     */
    static final Keyset OVERRIDE_ORDER =
            new Keyset("oncall-overrides", "starts_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    /** One page of the overrides of a schedule overlapping [from, to) (null: unbounded), by start. */
    dev.vigil.server.platform.api.Page<ScheduleOverride> overrides(
            UUID scheduleId, Instant from, Instant to, PageQuery page) {
        requireRange(from, to);
        return OVERRIDE_ORDER.page(
                jdbc,
                overlapping(new SqlFilter().and("schedule_id = ?", scheduleId), from, to),
                "oncall_overrides",
                "select * from oncall_overrides",
                page,
                page.descendingBy("start"),
                OnCallStore::override,
                ScheduleOverride::start,
                ScheduleOverride::id);
    }

    /** A range a client asked for: an empty or inverted one is refused rather than answered with nothing. */
    static void requireRange(Instant from, Instant to) {
        if (from != null && to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
    }

    /**
     * Restricts a period table ({@code starts_at}, {@code ends_at}) to the rows overlapping [from, to); a null bound is
     * open.
     */
    static SqlFilter overlapping(SqlFilter where, Instant from, Instant to) {
        if (from != null) {
            where.and("ends_at > ?", Timestamp.from(from));
        }
        if (to != null) {
            where.and("starts_at < ?", Timestamp.from(to));
        }
        return where;
    }

    private static ScheduleOverride override(ResultSet rs, int n) throws SQLException {
        return new ScheduleOverride(
                rs.getObject("id", UUID.class),
                rs.getObject("schedule_id", UUID.class),
                ScheduleOverride.Kind.parse(rs.getString("kind")),
                rs.getObject("user_id", UUID.class),
                rs.getObject("replaces", UUID.class),
                rs.getTimestamp("starts_at").toInstant(),
                rs.getTimestamp("ends_at").toInstant(),
                rs.getString("reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"));
    }

    @Transactional
    boolean deleteOverride(UUID scheduleId, UUID id) {
        ScheduleOverride before = jdbc.sql("delete from oncall_overrides where schedule_id = ? and id = ? returning *")
                .params(scheduleId, id)
                .query(OnCallStore::override)
                .optional()
                .orElse(null);
        return audited("schedule_override", id, before, before != null);
    }

    @Transactional
    Leave addLeave(UUID userId, Instant start, Instant end, String reason) {
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("leave needs a start and an end after it");
        }
        limited(reason, "reason", 500);
        UUID id = UUID.randomUUID();
        jdbc.sql(
                        "insert into oncall_leave (id, user_id, starts_at, ends_at, reason, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(id, userId, Timestamp.from(start), Timestamp.from(end), reason, now())
                .update();
        Leave created = new Leave(id, userId, start, end, reason, clock.instant());
        audit.record("created", "oncall_leave", id.toString(), null, created);
        return created;
    }

    /** Leave overlapping [from, to) (null: unbounded) of anyone (userId null) or one person, by start. */
    List<Leave> leave(UUID userId, Instant from, Instant to) {
        SqlFilter where = overlapping(new SqlFilter().whenPresent("user_id = ?", userId), from, to);
        return jdbc.sql("select * from oncall_leave" + where.sql() + LEAVE_ORDER.orderBy(false))
                .params(where.params())
                .query(OnCallStore::leave)
                .list();
    }

    /**
     * The order of a person's leave: by start, the id breaking ties; served by
     * {@code oncall_leave_keyset_idx (user_id, starts_at, id)}.
     */
    static final Keyset LEAVE_ORDER =
            new Keyset("oncall-leave", "starts_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    /** One page of a person's leave overlapping [from, to) (null: unbounded), by start. */
    dev.vigil.server.platform.api.Page<Leave> leave(UUID userId, Instant from, Instant to, PageQuery page) {
        requireRange(from, to);
        return LEAVE_ORDER.page(
                jdbc,
                overlapping(new SqlFilter().and("user_id = ?", userId), from, to),
                "oncall_leave",
                "select * from oncall_leave",
                page,
                page.descendingBy("start"),
                OnCallStore::leave,
                Leave::start,
                Leave::id);
    }

    private static Leave leave(ResultSet rs, int n) throws SQLException {
        return new Leave(
                rs.getObject("id", UUID.class),
                rs.getObject("user_id", UUID.class),
                rs.getTimestamp("starts_at").toInstant(),
                rs.getTimestamp("ends_at").toInstant(),
                rs.getString("reason"),
                rs.getTimestamp("created_at").toInstant());
    }

    /** Deletes one leave of a person and audits its last state; false when there was none. */
    @Transactional
    boolean deleteLeave(UUID userId, UUID id) {
        Leave before = jdbc.sql("delete from oncall_leave where user_id = ? and id = ? returning *")
                .params(userId, id)
                .query(OnCallStore::leave)
                .optional()
                .orElse(null);
        return audited("oncall_leave", id, before, before != null);
    }

    // --- policies

    @Transactional
    EscalationPolicy savePolicy(UUID id, EscalationPolicy p) {
        UUID key = id == null ? UUID.randomUUID() : id;
        String name = required(p.name(), "name");
        limited(p.description(), "description", 2000);
        String steps = json.writeValueAsString(p.steps());
        return upsert(
                "escalation_policy",
                "policy",
                id,
                key,
                this::policy,
                () -> jdbc.sql("update oncall_policies set name = ?, description = ?, team_id = ?, repeat_count = ?,"
                                + " ack_timeout_minutes = ?, reminder_minutes = ?, reack_after_minutes = ?,"
                                + " steps = ?::jsonb, updated_at = ? where id = ?")
                        .params(
                                name,
                                p.description(),
                                p.teamId(),
                                p.repeat(),
                                p.ackTimeoutMinutes(),
                                p.reminderMinutes(),
                                p.reackAfterMinutes(),
                                steps,
                                now(),
                                key)
                        .update(),
                () -> jdbc.sql("insert into oncall_policies (id, name, description, team_id, repeat_count,"
                                + " ack_timeout_minutes, reminder_minutes, reack_after_minutes, steps, created_at,"
                                + " updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")
                        .params(
                                key,
                                name,
                                p.description(),
                                p.teamId(),
                                p.repeat(),
                                p.ackTimeoutMinutes(),
                                p.reminderMinutes(),
                                p.reackAfterMinutes(),
                                steps,
                                now(),
                                now())
                        .update(),
                "a policy named '" + name + "'");
    }

    Optional<EscalationPolicy> policy(UUID id) {
        return jdbc.sql("select * from oncall_policies where id = ?")
                .param(id)
                .query(this::mapPolicy)
                .optional();
    }

    Optional<EscalationPolicy> policyByName(String name) {
        return jdbc.sql("select * from oncall_policies where name = ?")
                .param(name)
                .query(this::mapPolicy)
                .optional();
    }

    List<EscalationPolicy> policies() {
        return jdbc.sql("select * from oncall_policies order by name")
                .query(this::mapPolicy)
                .list();
    }

    @Transactional
    boolean deletePolicy(UUID id) {
        return deleteAudited("escalation_policy", "oncall_policies", id, this::policy);
    }

    private EscalationPolicy mapPolicy(ResultSet rs, int n) throws SQLException {
        return new EscalationPolicy(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("description"),
                rs.getObject("team_id", UUID.class),
                rs.getInt("repeat_count"),
                rs.getInt("ack_timeout_minutes"),
                (Integer) rs.getObject("reminder_minutes"),
                (Integer) rs.getObject("reack_after_minutes"),
                json.readValue(rs.getString("steps"), STEPS),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    String policyJson(EscalationPolicy p) {
        return json.writeValueAsString(p);
    }

    EscalationPolicy policyFromJson(String s) {
        return json.readValue(s, EscalationPolicy.class);
    }

    // --- notification rules

    @Transactional
    void saveRules(UUID userId, boolean important, List<NotificationRule> rules) {
        if (rules.size() > 20) {
            throw new IllegalArgumentException("at most 20 rules per set");
        }
        List<NotificationRule> before = rules(userId, important);
        jdbc.sql("delete from oncall_notification_rules where user_id = ? and important = ?")
                .params(userId, important)
                .update();
        int pos = 0;
        for (NotificationRule r : rules) {
            jdbc.sql("insert into oncall_notification_rules (user_id, important, position, channel_id, delay_minutes)"
                            + " values (?, ?, ?, ?, ?)")
                    .params(userId, important, pos++, r.channelId(), r.delayMinutes())
                    .update();
        }
        audit.record(
                "updated",
                important ? "notification_rules_important" : "notification_rules",
                userId.toString(),
                before,
                rules);
    }

    List<NotificationRule> rules(UUID userId, boolean important) {
        return new ArrayList<>(jdbc.sql("select channel_id, delay_minutes from oncall_notification_rules"
                        + " where user_id = ? and important = ? order by position")
                .params(userId, important)
                .query((rs, n) -> new NotificationRule(rs.getObject(1, UUID.class), rs.getInt(2)))
                .list());
    }
}
