package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.HolidayCalendar;
import dev.vigil.server.oncall.OnCallStatistics;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.oncall.Shift;
import dev.vigil.server.oncall.TimeWindow;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** {@link OnCallStatistics} from the stored schedules (their resolved timelines), policies and pages. */
@Service
class OnCallStatisticsQueries implements OnCallStatistics {
    private static final Duration MAX_PERIOD = Duration.ofDays(400);

    private final OnCallStore store;
    private final ScheduleQueries schedules;
    private final JdbcClient jdbc;

    OnCallStatisticsQueries(OnCallStore store, ScheduleQueries schedules, JdbcClient jdbc) {
        this.store = store;
        this.schedules = schedules;
        this.jdbc = jdbc;
    }

    private static void checkPeriod(Instant from, Instant to) {
        if (from == null || to == null || !to.isAfter(from)) {
            throw new IllegalArgumentException("the period needs from before to");
        }
        if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("the period is at most 400 days");
        }
    }

    @Override
    public Coverage coverage(Instant from, Instant to) {
        checkPeriod(from, to);
        List<ScheduleCoverage> per = new ArrayList<>();
        // per schedule: its timeline (contiguous over [from, to)) and whether its gaps reach a fallback
        List<List<Shift>> timelines = new ArrayList<>();
        List<Boolean> hasFallback = new ArrayList<>();
        TreeSet<Instant> edges = new TreeSet<>();
        edges.add(from);
        edges.add(to);
        for (Schedule s : store.schedules()) {
            List<Shift> t = schedules.resolver(s, from, to).timeline(from, to);
            UUID fallback = s.fallbackUserId() != null
                    ? s.fallbackUserId()
                    : store.team(s.teamId()).map(OnCallTeam::fallbackUserId).orElse(null);
            Duration on = Duration.ZERO;
            Duration gaps = Duration.ZERO;
            int gapCount = 0;
            for (Shift x : t) {
                Duration d = Duration.between(x.start(), x.end());
                if (x.userId() == null) {
                    gaps = gaps.plus(d);
                    gapCount += d.isZero() ? 0 : 1;
                } else {
                    on = on.plus(d);
                }
                edges.add(x.start());
                edges.add(x.end());
            }
            per.add(new ScheduleCoverage(s.id(), s.name(), on, gaps, gapCount, fallback));
            timelines.add(t);
            hasFallback.add(fallback != null);
        }
        Duration onCall = Duration.ZERO;
        Duration fallbackOnly = Duration.ZERO;
        Duration uncovered = Duration.ZERO;
        int[] cursor = new int[timelines.size()];
        Instant prev = null;
        for (Instant edge : edges) {
            if (edge.isBefore(from) || edge.isAfter(to)) {
                continue;
            }
            if (prev != null && edge.isAfter(prev)) {
                boolean someone = false;
                boolean fallback = false;
                for (int i = 0; i < timelines.size(); i++) {
                    List<Shift> t = timelines.get(i);
                    while (cursor[i] < t.size() && !t.get(cursor[i]).end().isAfter(prev)) {
                        cursor[i]++;
                    }
                    if (cursor[i] < t.size() && !t.get(cursor[i]).start().isAfter(prev)) {
                        if (t.get(cursor[i]).userId() != null) {
                            someone = true;
                        } else if (hasFallback.get(i)) {
                            fallback = true;
                        }
                    } else if (hasFallback.get(i)) {
                        fallback = true; // outside the timeline: nobody, but the fallback is told
                    }
                }
                Duration d = Duration.between(prev, edge);
                if (someone) {
                    onCall = onCall.plus(d);
                } else if (fallback) {
                    fallbackOnly = fallbackOnly.plus(d);
                } else {
                    uncovered = uncovered.plus(d);
                }
            }
            prev = edge;
        }
        return new Coverage(from, to, onCall, fallbackOnly, uncovered, List.copyOf(per));
    }

    @Override
    public List<EscalationPolicy> policies() {
        return store.policies();
    }

    @Override
    public List<PageFacts> pages(Instant from, Instant to) {
        checkPeriod(from, to);
        Map<UUID, OnCallTeam> teams = new HashMap<>();
        for (OnCallTeam t : store.teams()) {
            teams.put(t.id(), t);
        }
        Map<UUID, Set<LocalDate>> holidays = new HashMap<>();
        Map<UUID, Integer> escalated = new HashMap<>();
        jdbc.sql("""
                        select l.page_id, count(*) from oncall_page_log l join oncall_pages p on p.id = l.page_id
                        where l.kind = 'escalated' and p.created_at >= ? and p.created_at < ? and not p.exercise
                        group by l.page_id""").params(Timestamp.from(from), Timestamp.from(to)).query(rs -> {
            escalated.put(rs.getObject(1, UUID.class), rs.getInt(2));
        });
        record Row(
                UUID id,
                String subjectType,
                String subjectId,
                String severity,
                UUID teamId,
                Instant created,
                Instant ack,
                Instant resolved,
                boolean exhausted) {}
        List<Row> rows = jdbc.sql("""
                        select id, subject_type, subject_id, severity, (policy ->> 'teamId')::uuid as team_id,
                               created_at, acknowledged_at, resolved_at, exhausted
                        from oncall_pages where created_at >= ? and created_at < ? and not exercise
                        order by created_at, id""")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Row(
                        rs.getObject("id", UUID.class),
                        rs.getString("subject_type"),
                        rs.getString("subject_id"),
                        rs.getString("severity"),
                        rs.getObject("team_id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(),
                        instant(rs.getTimestamp("acknowledged_at")),
                        instant(rs.getTimestamp("resolved_at")),
                        rs.getBoolean("exhausted")))
                .list();
        List<PageFacts> out = new ArrayList<>();
        for (Row r : rows) {
            OnCallTeam team = r.teamId() == null ? null : teams.get(r.teamId());
            boolean afterHours = false;
            if (team != null && !team.businessHours().isEmpty()) {
                LocalDateTime local = LocalDateTime.ofInstant(r.created(), team.timeZone());
                Set<LocalDate> off = holidays.computeIfAbsent(
                        team.id(),
                        k -> team.holidayCalendarId() == null
                                ? Set.of()
                                : store.calendar(team.holidayCalendarId())
                                        .map(HolidayCalendar::dates)
                                        .orElse(Set.of()));
                afterHours = off.contains(local.toLocalDate()) || !TimeWindow.anyContains(team.businessHours(), local);
            }
            out.add(new PageFacts(
                    r.id(),
                    r.subjectType(),
                    r.subjectId(),
                    Severity.parse(r.severity()),
                    team == null ? null : team.name(),
                    r.created(),
                    r.ack(),
                    r.resolved(),
                    afterHours,
                    Math.max(0, escalated.getOrDefault(r.id(), 0) - 1),
                    r.exhausted()));
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
