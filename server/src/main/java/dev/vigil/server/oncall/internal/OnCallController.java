package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.HolidayCalendar;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.oncall.ScheduleService;
import dev.vigil.server.oncall.Shift;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.security.AccessControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/oncall}: people, teams, holiday calendars, schedules (with overrides, swaps, timeline, gaps, iCal),
 * leave, escalation policies and notification rules. A person's contact details and notification rules decide where
 * their pages go, and their leave takes them out of their rotations: only that person (their user) or an administrator
 * ({@code users_write}) changes them; adding people to the roster and the rest of on-call configuration need
 * {@code oncall_write}. The lists that grow with use (a schedule's overrides, a person's leave) are paged.
 */
@RequirePermission(Permission.ONCALL_READ)
@RestController
@RequestMapping("/api/v1/oncall")
class OnCallController {
    private final OnCallStore store;
    private final ScheduleQueries schedules;
    private final OutOfBandCheck check;
    private final DefaultOnCallAdmin admin;
    private final Clock clock;

    private final AccessControl access;

    OnCallController(
            OnCallStore store,
            ScheduleQueries schedules,
            OutOfBandCheck check,
            DefaultOnCallAdmin admin,
            Clock clock,
            AccessControl access) {
        this.access = access;
        this.admin = admin;
        this.store = store;
        this.schedules = schedules;
        this.check = check;
        this.clock = clock;
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<org.springframework.http.ProblemDetail> notFound(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
    }

    // --- people

    record PersonRequest(UUID userId, String name, String email, String timeZone) {}

    @GetMapping("/people")
    List<Person> people() {
        return store.people();
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/people")
    @ResponseStatus(HttpStatus.CREATED)
    Person createPerson(@RequestBody PersonRequest r) {
        if (r.userId() != null && store.person(r.userId()).isPresent()) { // an upsert: changing someone's contact
            access.requireSelfOr(r.userId(), Permission.USERS_WRITE, "another person's on-call contact details");
        }
        return store.savePerson(r.userId(), r.name(), r.email(), r.timeZone());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/people/{id}")
    Person updatePerson(@PathVariable UUID id, @RequestBody PersonRequest r) {
        store.person(id).orElseThrow(() -> new NoSuchElementException("no person " + id));
        access.requireSelfOr(id, Permission.USERS_WRITE, "another person's on-call contact details");
        return store.savePerson(id, r.name(), r.email(), r.timeZone());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/people/{id}")
    ResponseEntity<Void> deletePerson(@PathVariable UUID id) {
        return store.deletePerson(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    record RulesBody(List<NotificationRule> defaultRules, List<NotificationRule> importantRules) {}

    @GetMapping("/people/{id}/rules")
    RulesBody rules(@PathVariable UUID id) {
        store.person(id).orElseThrow(() -> new NoSuchElementException("no person " + id));
        return new RulesBody(store.rules(id, false), store.rules(id, true));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/people/{id}/rules")
    RulesBody saveRules(@PathVariable UUID id, @RequestBody RulesBody body) {
        store.person(id).orElseThrow(() -> new NoSuchElementException("no person " + id));
        access.requireSelfOr(id, Permission.USERS_WRITE, "another person's notification rules");
        store.saveRules(id, false, body.defaultRules() == null ? List.of() : body.defaultRules());
        store.saveRules(id, true, body.importantRules() == null ? List.of() : body.importantRules());
        return rules(id);
    }

    record LeaveRequest(Instant start, Instant end, String reason) {}

    /**
     * A person's leave overlapping [from, to) (both optional), by start ({@code sort=start,desc}: latest first); paged by
     * {@code page} or by {@code cursor}.
     */
    @GetMapping("/people/{id}/leave")
    dev.vigil.server.platform.api.Page<Leave> leave(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @Paging(defaultSize = 50, maxSize = 500, defaultSort = "start,asc", sortable = "start", cursor = true)
                    PageQuery page) {
        return admin.leave(id, from, to, page);
    }

    /** Adds leave: the person themselves, or a caller with {@code users_write} (not any responder). Audited. */
    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/people/{id}/leave")
    @ResponseStatus(HttpStatus.CREATED)
    Leave addLeave(@PathVariable UUID id, @RequestBody LeaveRequest r) {
        return admin.addLeave(id, r.start(), r.end(), r.reason());
    }

    /** Removes leave: as {@link #addLeave}. Audited. */
    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/people/{id}/leave/{leaveId}")
    ResponseEntity<Void> deleteLeave(@PathVariable UUID id, @PathVariable UUID leaveId) {
        store.person(id).orElseThrow(() -> new NoSuchElementException("no person " + id));
        return admin.deleteLeave(id, leaveId)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping(value = "/people/{id}/calendar.ics", produces = "text/calendar")
    ResponseEntity<String> personCalendar(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to) {
        Person p = store.person(id).orElseThrow(() -> new NoSuchElementException("no person " + id));
        Instant f = from == null ? clock.instant().minus(Duration.ofDays(7)) : from;
        Instant t = to == null ? f.plus(Duration.ofDays(97)) : to;
        return ics(ICalExport.person(p, schedules.userTimeline(id, f, t), clock.instant()));
    }

    // --- holiday calendars

    record CalendarRequest(String name, List<HolidayCalendar.Holiday> holidays) {}

    @GetMapping("/holiday-calendars")
    List<HolidayCalendar> calendars() {
        return store.calendars();
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/holiday-calendars")
    @ResponseStatus(HttpStatus.CREATED)
    HolidayCalendar createCalendar(@RequestBody CalendarRequest r) {
        return store.saveCalendar(null, r.name(), r.holidays());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/holiday-calendars/{id}")
    HolidayCalendar updateCalendar(@PathVariable UUID id, @RequestBody CalendarRequest r) {
        return store.saveCalendar(id, r.name(), r.holidays());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/holiday-calendars/{id}")
    ResponseEntity<Void> deleteCalendar(@PathVariable UUID id) {
        return store.deleteCalendar(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    // --- teams

    @GetMapping("/teams")
    List<OnCallTeam> teams() {
        return store.teams();
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/teams")
    @ResponseStatus(HttpStatus.CREATED)
    OnCallTeam createTeam(@RequestBody OnCallTeam t) {
        return store.saveTeam(null, t);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/teams/{id}")
    OnCallTeam updateTeam(@PathVariable UUID id, @RequestBody OnCallTeam t) {
        return store.saveTeam(id, t);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/teams/{id}")
    ResponseEntity<Void> deleteTeam(@PathVariable UUID id) {
        return store.deleteTeam(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    // --- schedules

    @GetMapping("/schedules")
    List<Schedule> schedules() {
        return store.schedules();
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/schedules")
    @ResponseStatus(HttpStatus.CREATED)
    Schedule createSchedule(@RequestBody Schedule s) {
        return admin.saveSchedule(null, s);
    }

    @GetMapping("/schedules/{id}")
    Schedule schedule(@PathVariable UUID id) {
        return store.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/schedules/{id}")
    Schedule updateSchedule(@PathVariable UUID id, @RequestBody Schedule s) {
        return admin.saveSchedule(id, s);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/schedules/{id}")
    ResponseEntity<Void> deleteSchedule(@PathVariable UUID id) {
        return store.deleteSchedule(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/schedules/{id}/on-call")
    Shift onCall(@PathVariable UUID id, @RequestParam(required = false) Instant at) {
        return schedules.onCall(id, at == null ? clock.instant() : at);
    }

    @GetMapping("/schedules/{id}/timeline")
    Map<String, Object> timeline(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to) {
        Instant f = from == null ? clock.instant() : from;
        Instant t = to == null ? f.plus(Duration.ofDays(14)) : to;
        List<Shift> shifts = schedules.timeline(id, f, t);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", f);
        out.put("to", t);
        out.put("shifts", shifts);
        out.put("overrides", store.overrides(id, f, t));
        return out;
    }

    @GetMapping("/schedules/{id}/gaps")
    Map<String, Object> gaps(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to) {
        Instant f = from == null ? clock.instant() : from;
        Instant t = to == null ? f.plus(Duration.ofDays(30)) : to;
        Schedule s = schedule(id);
        List<Shift> gaps = schedules.timeline(id, f, t).stream()
                .filter(x -> x.userId() == null)
                .toList();
        Duration total =
                gaps.stream().map(g -> Duration.between(g.start(), g.end())).reduce(Duration.ZERO, Duration::plus);
        UUID fallback = s.fallbackUserId() != null
                ? s.fallbackUserId()
                : store.team(s.teamId()).map(OnCallTeam::fallbackUserId).orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", f);
        out.put("to", t);
        out.put("gaps", gaps);
        out.put("totalMinutes", total.toMinutes());
        out.put("fallbackUserId", fallback);
        return out;
    }

    @GetMapping(value = "/schedules/{id}/calendar.ics", produces = "text/calendar")
    ResponseEntity<String> scheduleCalendar(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to) {
        Schedule s = schedule(id);
        Instant f = from == null ? clock.instant().minus(Duration.ofDays(7)) : from;
        Instant t = to == null ? f.plus(Duration.ofDays(97)) : to;
        return ics(ICalExport.schedule(
                s,
                schedules.timeline(id, f, t),
                u -> store.person(u).map(Person::name).orElse(u.toString()),
                clock.instant()));
    }

    record OverrideRequest(
            ScheduleOverride.Kind kind, UUID userId, UUID replaces, Instant start, Instant end, String reason) {}

    /**
     * A schedule's overrides and swaps overlapping [from, to) (both optional), by start ({@code sort=start,desc}:
     * latest first); paged by {@code page} or by {@code cursor}.
     */
    @GetMapping("/schedules/{id}/overrides")
    dev.vigil.server.platform.api.Page<ScheduleOverride> overrides(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @Paging(defaultSize = 50, maxSize = 500, defaultSort = "start,asc", sortable = "start", cursor = true)
                    PageQuery page) {
        return admin.overrides(id, from, to, page);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/schedules/{id}/overrides")
    @ResponseStatus(HttpStatus.CREATED)
    ScheduleOverride addOverride(@PathVariable UUID id, @RequestBody OverrideRequest r) {
        schedule(id);
        String by = Actor.currentIfAny().map(Actor::name).orElse(null);
        return store.addOverride(new ScheduleOverride(
                null,
                id,
                r.kind() == null ? ScheduleOverride.Kind.OVERRIDE : r.kind(),
                r.userId(),
                r.replaces(),
                r.start(),
                r.end(),
                r.reason(),
                null,
                by));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/schedules/{id}/overrides/{overrideId}")
    ResponseEntity<Void> deleteOverride(@PathVariable UUID id, @PathVariable UUID overrideId) {
        return store.deleteOverride(id, overrideId)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/now")
    List<ScheduleService.OnCallNow> now() {
        return schedules.onCallNow();
    }

    @GetMapping("/warnings")
    List<dev.vigil.server.oncall.OutOfBandChecks.Result> warnings() {
        return check.warnings();
    }

    /** The latest out-of-band check result of every channel, or the results of one run. */
    @GetMapping("/checks")
    List<dev.vigil.server.oncall.OutOfBandChecks.Result> checks(@RequestParam(required = false) UUID run) {
        return run == null ? check.latest() : check.run(run);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/checks")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> runCheck() {
        return Map.of("runId", check.run());
    }

    // --- policies

    @GetMapping("/policies")
    List<EscalationPolicy> policies() {
        return store.policies();
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/policies")
    @ResponseStatus(HttpStatus.CREATED)
    EscalationPolicy createPolicy(@RequestBody EscalationPolicy p) {
        return admin.savePolicy(null, p);
    }

    @GetMapping("/policies/{id}")
    EscalationPolicy policy(@PathVariable UUID id) {
        return store.policy(id).orElseThrow(() -> new NoSuchElementException("no policy " + id));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/policies/{id}")
    EscalationPolicy updatePolicy(@PathVariable UUID id, @RequestBody EscalationPolicy p) {
        return admin.savePolicy(id, p);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/policies/{id}")
    ResponseEntity<Void> deletePolicy(@PathVariable UUID id) {
        return store.deletePolicy(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    private static ResponseEntity<String> ics(String body) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/calendar; charset=utf-8"))
                .body(body);
    }
}
