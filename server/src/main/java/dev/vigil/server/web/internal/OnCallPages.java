package dev.vigil.server.web.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;
import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.Leave;
import dev.vigil.server.oncall.NotificationRule;
import dev.vigil.server.oncall.OnCallAdmin;
import dev.vigil.server.oncall.OutOfBandChecks;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageHistory;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Rotation;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleOverride;
import dev.vigil.server.oncall.ScheduleService;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.oncall.Shift;
import dev.vigil.server.oncall.TimeWindow;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.web.DashboardWidget;
import dev.vigil.server.web.NavEntry;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /oncall}: who is on call now, the schedules (a week or month calendar of the final timeline with overrides,
 * swaps, leave and gaps marked; rotation and layer editor; overrides), the escalation policy editor, each person's
 * notification rules, and the page history ({@code /oncall/pages}, filterable by incident, team, person and time)
 * with acknowledge, un-acknowledge and resolve. Everything user- or log-derived is rendered with {@code th:text}.
 */
@Controller
@RequirePermission(Permission.ONCALL_READ)
class OnCallPages {
    static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final OnCallAdmin admin;
    private final ScheduleService schedules;
    private final PagingService paging;
    private final ChannelService channels;
    private final OutOfBandChecks checks;
    private final Clock clock;
    private final AccessControl access;

    OnCallPages(
            OnCallAdmin admin,
            ScheduleService schedules,
            PagingService paging,
            ChannelService channels,
            OutOfBandChecks checks,
            Clock clock,
            AccessControl access) {
        this.access = access;
        this.checks = checks;
        this.admin = admin;
        this.schedules = schedules;
        this.paging = paging;
        this.channels = channels;
        this.clock = clock;
    }

    @Configuration(proxyBeanMethods = false)
    static class Nav {
        @Bean
        NavEntry navOnCall() {
            return new NavEntry(NavEntry.OPERATE, "On-call", "/oncall", Permission.ONCALL_READ, 40);
        }

        @Bean
        DashboardWidget oncallWidget(ScheduleService schedules, OutOfBandChecks checks, PagingService paging) {
            return new DashboardPages.Widget(
                    "oncall",
                    "On call now",
                    Permission.ONCALL_READ,
                    30,
                    "widgets/oncall :: widget",
                    () -> Map.of(
                            "now", schedules.onCallNow(),
                            "warnings", checks.warnings(),
                            "open", paging.recent(PageStatus.TRIGGERED, 500).size()));
        }

        @Bean
        NavEntry navPages() {
            return new NavEntry(NavEntry.OPERATE, "Pages", "/oncall/pages", Permission.ONCALL_READ, 41);
        }
    }

    private Map<UUID, String> names() {
        Map<UUID, String> m = new LinkedHashMap<>();
        for (Person p : admin.people()) {
            m.put(p.userId(), p.name());
        }
        return m;
    }

    private static String actor() {
        return Actor.currentIfAny().map(Actor::name).orElse("ui");
    }

    // --- overview

    @GetMapping("/oncall")
    String overview(Model model) {
        model.addAttribute("now", schedules.onCallNow());
        model.addAttribute("schedules", admin.schedules());
        model.addAttribute("policies", admin.policies());
        model.addAttribute("people", admin.people());
        model.addAttribute("teams", admin.teams());
        model.addAttribute("names", names());
        model.addAttribute("open", paging.recent(PageStatus.TRIGGERED, 20));
        model.addAttribute("warnings", checks.warnings());
        return "oncall/overview";
    }

    // --- out-of-band checks

    @GetMapping("/oncall/checks")
    String checks(Model model) {
        model.addAttribute("latest", checks.latest());
        model.addAttribute("warnings", checks.warnings());
        model.addAttribute("lastRun", checks.lastRun());
        Instant now = clock.instant();
        model.addAttribute("history", checks.history(now.minus(java.time.Duration.ofDays(90)), null, 200));
        return "oncall/checks";
    }

    @PostMapping("/oncall/checks")
    @RequirePermission(Permission.ONCALL_WRITE)
    String runCheck(RedirectAttributes flash) {
        checks.runNow();
        flash.addFlashAttribute("notice", "Test notifications sent; results appear below as they come in.");
        return "redirect:/oncall/checks";
    }

    // --- schedule calendar

    /** One person (or nobody) on call for part of one day, in the schedule's local time. */
    public record Segment(String from, String to, UUID userId, String who, String source, String kind) {}

    /** One day of the calendar. */
    public record Day(LocalDate date, boolean inMonth, boolean today, List<Segment> segments, List<String> leave) {}

    @GetMapping("/oncall/schedules/{id}")
    String schedule(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "week") String view,
            @RequestParam(required = false) LocalDate date,
            @RequestParam(required = false) String overridesAfter,
            Model model) {
        Schedule s = admin.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
        ZoneId zone = s.timeZone();
        boolean month = view.equals("month");
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate anchor = date == null ? today : date;
        LocalDate first;
        LocalDate last;
        if (month) {
            first = anchor.withDayOfMonth(1).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            last = anchor.with(TemporalAdjusters.lastDayOfMonth()).with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
        } else {
            first = anchor.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            last = first.plusDays(6);
        }
        Instant from = first.atStartOfDay(zone).toInstant();
        Instant to = last.plusDays(1).atStartOfDay(zone).toInstant();
        List<Shift> shifts = schedules.timeline(id, from, to);
        Map<UUID, String> names = names();
        Set<UUID> people = new LinkedHashSet<>();
        s.layers().forEach(l -> people.addAll(l.participants()));
        shifts.stream().map(Shift::userId).filter(u -> u != null).forEach(people::add);
        // The table of overrides in view: a page at a time (the calendar above shows them all, as shifts).
        dev.vigil.server.platform.api.Page<ScheduleOverride> overridePage = admin.overrides(
                id, from, to, new PageQuery(0, LIST_SIZE, List.of(new PageQuery.Sort("start", false)), overridesAfter));
        overridePage.items().forEach(o -> {
            people.add(o.userId());
            if (o.replaces() != null) {
                people.add(o.replaces());
            }
        });
        List<Leave> leave = new ArrayList<>();
        for (UUID u : people) {
            leave.addAll(admin.leave(u, from, to));
        }
        List<List<Day>> weeks = new ArrayList<>();
        List<Day> week = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            Instant ds = d.atStartOfDay(zone).toInstant();
            Instant de = d.plusDays(1).atStartOfDay(zone).toInstant();
            List<Segment> segs = new ArrayList<>();
            for (Shift sh : shifts) {
                if (!sh.end().isAfter(ds) || !sh.start().isBefore(de)) {
                    continue;
                }
                Instant a = sh.start().isBefore(ds) ? ds : sh.start();
                Instant b = sh.end().isAfter(de) ? de : sh.end();
                String kind = sh.userId() == null ? "gap" : sh.source().startsWith("layer:") ? "layer" : sh.source();
                segs.add(new Segment(
                        HM.format(a.atZone(zone)),
                        b.equals(de) ? "24:00" : HM.format(b.atZone(zone)),
                        sh.userId(),
                        sh.userId() == null
                                ? "nobody (gap)"
                                : names.getOrDefault(sh.userId(), sh.userId().toString()),
                        sh.source(),
                        kind));
            }
            List<String> away = new ArrayList<>();
            for (Leave l : leave) {
                if (l.end().isAfter(ds) && l.start().isBefore(de)) {
                    away.add(names.getOrDefault(l.userId(), l.userId().toString()) + " on leave"
                            + (l.reason() == null || l.reason().isBlank() ? "" : " (" + l.reason() + ")"));
                }
            }
            week.add(new Day(d, !month || d.getMonth() == anchor.getMonth(), d.equals(today), segs, away));
            if (week.size() == 7) {
                weeks.add(week);
                week = new ArrayList<>();
            }
        }
        long gapMinutes = shifts.stream()
                .filter(x -> x.userId() == null)
                .mapToLong(x -> java.time.Duration.between(x.start(), x.end()).toMinutes())
                .sum();
        model.addAttribute("schedule", s);
        model.addAttribute("team", admin.team(s.teamId()).orElse(null));
        model.addAttribute("fallback", s.fallbackUserId() == null ? null : names.get(s.fallbackUserId()));
        model.addAttribute("view", month ? "month" : "week");
        model.addAttribute("weeks", weeks);
        model.addAttribute(
                "weekdays",
                List.of(DayOfWeek.values()).stream()
                        .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
                        .toList());
        model.addAttribute(
                "rangeTitle",
                month
                        ? anchor.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + anchor.getYear()
                        : "Week of " + first);
        model.addAttribute("previous", month ? anchor.minusMonths(1) : first.minusWeeks(1));
        model.addAttribute("next", month ? anchor.plusMonths(1) : first.plusWeeks(1));
        model.addAttribute("anchor", anchor);
        model.addAttribute("gapMinutes", gapMinutes);
        model.addAttribute("onCallNow", schedules.onCall(id, clock.instant()));
        model.addAttribute("overrides", overridePage.items());
        model.addAttribute("overridePage", overridePage);
        model.addAttribute("overridesAfter", overridesAfter);
        model.addAttribute("names", names);
        model.addAttribute("people", admin.people());
        model.addAttribute("zone", zone.getId());
        model.addAttribute("zoneFormat", (Function<Instant, String>) i -> SHOWN.format(i.atZone(zone)));
        if (!model.containsAttribute("overrideForm")) {
            LocalDateTime start =
                    LocalDateTime.now(clock.withZone(zone)).withSecond(0).withNano(0);
            model.addAttribute(
                    "overrideForm",
                    new OverrideForm("override", "", "", LOCAL.format(start), LOCAL.format(start.plusHours(8)), ""));
        }
        return "oncall/schedule";
    }

    /** The override form as typed (for showing it again with an error). */
    public record OverrideForm(String kind, String userId, String replaces, String start, String end, String reason) {}

    @PostMapping("/oncall/schedules/{id}/overrides")
    @RequirePermission(Permission.ONCALL_WRITE)
    String addOverride(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "override") String kind,
            @RequestParam(defaultValue = "") String userId,
            @RequestParam(defaultValue = "") String replaces,
            @RequestParam(defaultValue = "") String start,
            @RequestParam(defaultValue = "") String end,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes flash) {
        Schedule s = admin.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
        OverrideForm form = new OverrideForm(kind, userId, replaces, start, end, reason);
        try {
            ScheduleOverride.Kind k = ScheduleOverride.Kind.parse(kind);
            UUID user = uuid(userId, "who is on call");
            UUID replaced = k == ScheduleOverride.Kind.SWAP ? uuid(replaces, "whose shifts are swapped") : null;
            Instant a = localInstant(start, s.timeZone(), "start");
            Instant b = localInstant(end, s.timeZone(), "end");
            if (!b.isAfter(a)) {
                throw new IllegalArgumentException("the end must be after the start");
            }
            admin.addOverride(new ScheduleOverride(
                    null, id, k, user, replaced, a, b, reason.isBlank() ? null : reason.strip(), null, actor()));
            flash.addFlashAttribute("notice", (k == ScheduleOverride.Kind.SWAP ? "Swap" : "Override") + " added.");
            LocalDate day = a.atZone(s.timeZone()).toLocalDate();
            return "redirect:/oncall/schedules/" + id + "?date=" + day;
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("error", e.getMessage());
            flash.addFlashAttribute("overrideForm", form);
            return "redirect:/oncall/schedules/" + id;
        }
    }

    @PostMapping("/oncall/schedules/{id}/overrides/{overrideId}/delete")
    @RequirePermission(Permission.ONCALL_WRITE)
    String deleteOverride(@PathVariable UUID id, @PathVariable UUID overrideId, RedirectAttributes flash) {
        return Flash.notice(
                flash,
                admin.deleteOverride(id, overrideId) ? "Override removed." : "No such override.",
                "redirect:/oncall/schedules/" + id);
    }

    // --- schedule editor

    /** One layer as typed in the form. */
    public record LayerForm(
            String name,
            String priority,
            String rotation,
            String every,
            String length,
            String start,
            String end,
            String participants,
            String restrictions,
            boolean skipHolidays) {}

    /** A schedule as typed in the form. */
    public record ScheduleForm(
            String name,
            String description,
            String timeZone,
            String teamId,
            String fallbackUserId,
            List<LayerForm> layers) {}

    static LayerForm blankLayer(ZoneId zone, Clock clock) {
        LocalDateTime start = LocalDate.now(clock.withZone(zone)).atTime(9, 0);
        return new LayerForm("", "0", "weekly", "1", "", LOCAL.format(start), "", "", "", false);
    }

    @GetMapping("/oncall/schedules/new")
    @RequirePermission(Permission.ONCALL_WRITE)
    String newSchedule(Model model) {
        ZoneId utc = ZoneId.of("UTC");
        return scheduleForm(
                model, null, new ScheduleForm("", "", "UTC", "", "", List.of(blankLayer(utc, clock))), null);
    }

    @GetMapping("/oncall/schedules/{id}/edit")
    @RequirePermission(Permission.ONCALL_WRITE)
    String editSchedule(@PathVariable UUID id, Model model) {
        Schedule s = admin.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
        Map<UUID, String> names = names();
        List<LayerForm> layers = new ArrayList<>();
        for (Layer l : s.layers()) {
            layers.add(new LayerForm(
                    l.name(),
                    String.valueOf(l.priority()),
                    l.rotation().type().id(),
                    l.rotation().every() == null
                            ? ""
                            : String.valueOf(l.rotation().every()),
                    l.rotation().length() == null ? "" : l.rotation().length(),
                    LOCAL.format(l.start()),
                    l.end() == null ? "" : LOCAL.format(l.end()),
                    l.participants().stream()
                            .map(u -> names.getOrDefault(u, u.toString()))
                            .collect(Collectors.joining("\n")),
                    l.restrictions().stream().map(OnCallPages::window).collect(Collectors.joining("\n")),
                    l.skipHolidays()));
        }
        layers.add(blankLayer(s.timeZone(), clock));
        return scheduleForm(
                model,
                s,
                new ScheduleForm(
                        s.name(),
                        s.description() == null ? "" : s.description(),
                        s.timeZone().getId(),
                        s.teamId() == null ? "" : s.teamId().toString(),
                        s.fallbackUserId() == null ? "" : s.fallbackUserId().toString(),
                        layers),
                null);
    }

    private String scheduleForm(Model model, Schedule existing, ScheduleForm form, String error) {
        model.addAttribute("existing", existing);
        model.addAttribute("pageTitle", existing == null ? "New schedule" : "Edit " + existing.name());
        model.addAttribute(
                "formAction", existing == null ? "/oncall/schedules" : "/oncall/schedules/" + existing.id() + "/edit");
        model.addAttribute("form", form);
        model.addAttribute("error", error);
        model.addAttribute("teams", admin.teams());
        model.addAttribute("people", admin.people());
        model.addAttribute("rotations", List.of("hourly", "daily", "weekly", "custom"));
        return "oncall/schedule-edit";
    }

    @PostMapping({"/oncall/schedules", "/oncall/schedules/{id}/edit"})
    @RequirePermission(Permission.ONCALL_WRITE)
    String saveSchedule(
            @PathVariable(required = false) UUID id,
            @RequestParam MultiValueMap<String, String> params,
            Model model,
            RedirectAttributes flash) {
        Schedule existing = id == null
                ? null
                : admin.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
        List<LayerForm> layerForms = rows(
                params,
                "layer",
                "rotation",
                p -> new LayerForm(
                        one(params, p + "name"),
                        one(params, p + "priority"),
                        one(params, p + "rotation"),
                        one(params, p + "every"),
                        one(params, p + "length"),
                        one(params, p + "start"),
                        one(params, p + "end"),
                        one(params, p + "participants"),
                        one(params, p + "restrictions"),
                        params.containsKey(p + "skipHolidays")));
        ScheduleForm form = new ScheduleForm(
                one(params, "name"),
                one(params, "description"),
                one(params, "timeZone"),
                one(params, "teamId"),
                one(params, "fallbackUserId"),
                layerForms);
        try {
            Schedule saved = admin.saveSchedule(id, toSchedule(form));
            return Flash.notice(
                    flash, "Schedule " + saved.name() + " saved.", "redirect:/oncall/schedules/" + saved.id());
        } catch (IllegalArgumentException | IllegalStateException e) {
            List<LayerForm> again = new ArrayList<>(layerForms);
            ZoneId zone;
            try {
                zone = ZoneId.of(form.timeZone());
            } catch (RuntimeException z) {
                zone = ZoneId.of("UTC");
            }
            again.add(blankLayer(zone, clock));
            model.addAttribute("status", 400);
            return scheduleForm(
                    model,
                    existing,
                    new ScheduleForm(
                            form.name(),
                            form.description(),
                            form.timeZone(),
                            form.teamId(),
                            form.fallbackUserId(),
                            again),
                    e.getMessage());
        }
    }

    private Schedule toSchedule(ScheduleForm f) {
        if (f.name().isBlank()) {
            throw new IllegalArgumentException("the schedule needs a name");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(f.timeZone().strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + f.timeZone() + "' (e.g. Europe/Berlin, UTC)");
        }
        List<Person> people = admin.people();
        List<Layer> layers = new ArrayList<>();
        int n = 0;
        for (LayerForm l : f.layers()) {
            n++;
            if (l.participants().isBlank() && l.name().isBlank()) {
                continue; // the blank row
            }
            String at = "layer " + n + ": ";
            try {
                Rotation.Type type = Rotation.Type.parse(l.rotation());
                Rotation rotation = type == Rotation.Type.CUSTOM
                        ? new Rotation(type, null, l.length())
                        : new Rotation(type, l.every().isBlank() ? 1 : integer(l.every(), "every"), null);
                List<UUID> participants = new ArrayList<>();
                for (String line : l.participants().split("\\R")) {
                    if (!line.isBlank()) {
                        participants.add(person(people, line.strip()));
                    }
                }
                layers.add(new Layer(
                        l.name(),
                        l.priority().isBlank() ? 0 : integer(l.priority(), "priority"),
                        rotation,
                        local(l.start(), "start"),
                        l.end().isBlank() ? null : local(l.end(), "end"),
                        participants,
                        windows(l.restrictions()),
                        l.skipHolidays()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage(), e);
            }
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("the schedule needs at least one layer with participants");
        }
        return new Schedule(
                null,
                f.name().strip(),
                f.description().isBlank() ? null : f.description().strip(),
                zone,
                f.teamId().isBlank() ? null : uuid(f.teamId(), "team"),
                f.fallbackUserId().isBlank() ? null : uuid(f.fallbackUserId(), "fallback"),
                layers,
                null,
                null);
    }

    /** A person by id, name or e-mail (case-insensitive). */
    private static UUID person(List<Person> people, String ref) {
        for (Person p : people) {
            if (p.userId().toString().equalsIgnoreCase(ref)
                    || p.name().equalsIgnoreCase(ref)
                    || (p.email() != null && p.email().equalsIgnoreCase(ref))) {
                return p.userId();
            }
        }
        throw new IllegalArgumentException("no on-call person '" + ref + "' (use a name, e-mail or id)");
    }

    private static final Map<String, DayOfWeek> DAYS = Map.of(
            "mon", DayOfWeek.MONDAY,
            "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY,
            "thu", DayOfWeek.THURSDAY,
            "fri", DayOfWeek.FRIDAY,
            "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);

    /** "mon-fri 09:00-17:00", "sat,sun 10:00-14:00", "22:00-06:00" (every day), one per line. */
    static List<TimeWindow> windows(String text) {
        List<TimeWindow> out = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip().toLowerCase(Locale.ROOT);
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String times = parts[parts.length - 1];
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (parts.length == 2) {
                for (String item : parts[0].split(",")) {
                    String[] range = item.split("-");
                    DayOfWeek a = day(range[0], raw);
                    DayOfWeek b = range.length > 1 ? day(range[1], raw) : a;
                    for (DayOfWeek d = a; ; d = d.plus(1)) {
                        days.add(d);
                        if (d == b) {
                            break;
                        }
                    }
                }
            } else if (parts.length != 1) {
                throw new IllegalArgumentException(
                        "restriction '" + raw.strip() + "': expected e.g. mon-fri 09:00-17:00");
            }
            String[] hm = times.split("-");
            if (hm.length != 2) {
                throw new IllegalArgumentException(
                        "restriction '" + raw.strip() + "': expected e.g. mon-fri 09:00-17:00");
            }
            try {
                out.add(new TimeWindow(List.copyOf(days), LocalTime.parse(hm[0]), LocalTime.parse(hm[1])));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("restriction '" + raw.strip() + "': times are HH:mm");
            }
        }
        return out;
    }

    private static DayOfWeek day(String s, String line) {
        DayOfWeek d = DAYS.get(s.length() >= 3 ? s.substring(0, 3) : s);
        if (d == null) {
            throw new IllegalArgumentException("restriction '" + line.strip() + "': unknown day '" + s + "'");
        }
        return d;
    }

    static String window(TimeWindow w) {
        String days = w.days().size() == 7
                ? ""
                : w.days().stream()
                                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH)
                                        .toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(","))
                        + " ";
        return days + HM.format(w.from()) + "-" + HM.format(w.to());
    }

    // --- escalation policies

    /** One step as typed in the form. */
    public record StepForm(
            String order,
            String type,
            List<String> targets,
            String mode,
            String timeout,
            String minutes,
            String channel,
            boolean important,
            String businessHours,
            List<String> weekdays,
            List<String> severities) {}

    /** A policy as typed in the form. */
    public record PolicyForm(
            String name,
            String description,
            String teamId,
            String repeat,
            String ackTimeout,
            String reminder,
            String reack,
            List<StepForm> steps) {}

    static StepForm blankStep(int order) {
        return new StepForm(
                String.valueOf(order), "", List.of(), "all", "", "", "", false, "any", List.of(), List.of());
    }

    @GetMapping("/oncall/policies/new")
    @RequirePermission(Permission.ONCALL_WRITE)
    String newPolicy(Model model) {
        return policyForm(
                model,
                null,
                new PolicyForm(
                        "",
                        "",
                        "",
                        "0",
                        String.valueOf(EscalationPolicy.DEFAULT_ACK_TIMEOUT_MINUTES),
                        "",
                        "",
                        List.of(blankStep(1), blankStep(2), blankStep(3))),
                null);
    }

    @GetMapping("/oncall/policies/{id}")
    String policy(@PathVariable UUID id, Model model) {
        EscalationPolicy p = admin.policy(id).orElseThrow(() -> new NoSuchElementException("no policy " + id));
        List<StepForm> steps = new ArrayList<>();
        int order = 0;
        for (EscalationStep s : p.steps()) {
            order++;
            EscalationStep.Condition w = s.when();
            steps.add(new StepForm(
                    String.valueOf(order),
                    s.type().id(),
                    s.targets().stream().map(t -> t.type().id() + ":" + t.id()).toList(),
                    s.mode().id(),
                    s.timeoutMinutes() == null ? "" : s.timeoutMinutes().toString(),
                    s.minutes() == null ? "" : s.minutes().toString(),
                    s.channelId() == null ? "" : s.channelId().toString(),
                    Boolean.TRUE.equals(s.important()),
                    w == null || w.businessHours() == null ? "any" : w.businessHours(),
                    w == null
                            ? List.of()
                            : w.weekdays().stream().map(DayOfWeek::name).toList(),
                    w == null
                            ? List.of()
                            : w.severities().stream().map(Severity::id).toList()));
        }
        steps.add(blankStep(order + 1));
        steps.add(blankStep(order + 2));
        return policyForm(
                model,
                p,
                new PolicyForm(
                        p.name(),
                        p.description() == null ? "" : p.description(),
                        p.teamId() == null ? "" : p.teamId().toString(),
                        String.valueOf(p.repeat()),
                        String.valueOf(p.ackTimeoutMinutes()),
                        p.reminderMinutes() == null ? "" : p.reminderMinutes().toString(),
                        p.reackAfterMinutes() == null
                                ? ""
                                : p.reackAfterMinutes().toString(),
                        steps),
                null);
    }

    /** A choice of the target list: {@code user:<id>}, {@code schedule:<id>}, {@code team:<id>}. */
    public record Choice(String value, String label) {}

    private String policyForm(Model model, EscalationPolicy existing, PolicyForm form, String error) {
        List<Choice> targets = new ArrayList<>();
        admin.people().forEach(p -> targets.add(new Choice("user:" + p.userId(), "Person: " + p.name())));
        admin.schedules()
                .forEach(s -> targets.add(new Choice("schedule:" + s.id(), "On call in schedule: " + s.name())));
        admin.teams().forEach(t -> targets.add(new Choice("team:" + t.id(), "Team: " + t.name())));
        model.addAttribute("existing", existing);
        model.addAttribute("pageTitle", existing == null ? "New escalation policy" : existing.name());
        model.addAttribute("formAction", existing == null ? "/oncall/policies" : "/oncall/policies/" + existing.id());
        model.addAttribute("form", form);
        model.addAttribute("error", error);
        model.addAttribute("teams", admin.teams());
        model.addAttribute("targets", targets);
        model.addAttribute(
                "sharedChannels",
                channels.list(null).stream().filter(c -> c.userId() == null).toList());
        model.addAttribute("days", List.of(DayOfWeek.values()));
        model.addAttribute("severities", List.of(Severity.values()));
        return "oncall/policy";
    }

    @PostMapping({"/oncall/policies", "/oncall/policies/{id}"})
    @RequirePermission(Permission.ONCALL_WRITE)
    String savePolicy(
            @PathVariable(required = false) UUID id,
            @RequestParam MultiValueMap<String, String> params,
            Model model,
            RedirectAttributes flash) {
        EscalationPolicy existing =
                id == null ? null : admin.policy(id).orElseThrow(() -> new NoSuchElementException("no policy " + id));
        List<StepForm> steps = new ArrayList<>(rows(
                params,
                "step",
                "type",
                p -> new StepForm(
                        one(params, p + "order"),
                        one(params, p + "type"),
                        all(params, p + "targets"),
                        one(params, p + "mode"),
                        one(params, p + "timeout"),
                        one(params, p + "minutes"),
                        one(params, p + "channel"),
                        params.containsKey(p + "important"),
                        one(params, p + "businessHours"),
                        all(params, p + "weekdays"),
                        all(params, p + "severities"))));
        steps.sort(Comparator.comparingDouble(s -> {
            try {
                return Double.parseDouble(s.order());
            } catch (NumberFormatException e) {
                return Double.MAX_VALUE;
            }
        }));
        PolicyForm form = new PolicyForm(
                one(params, "name"),
                one(params, "description"),
                one(params, "teamId"),
                one(params, "repeat"),
                one(params, "ackTimeout"),
                one(params, "reminder"),
                one(params, "reack"),
                steps);
        try {
            EscalationPolicy saved = admin.savePolicy(id, toPolicy(form));
            return Flash.notice(
                    flash, "Escalation policy " + saved.name() + " saved.", "redirect:/oncall/policies/" + saved.id());
        } catch (IllegalArgumentException | IllegalStateException e) {
            List<StepForm> again = new ArrayList<>(steps);
            again.add(blankStep(steps.size() + 1));
            return policyForm(
                    model,
                    existing,
                    new PolicyForm(
                            form.name(),
                            form.description(),
                            form.teamId(),
                            form.repeat(),
                            form.ackTimeout(),
                            form.reminder(),
                            form.reack(),
                            again),
                    e.getMessage());
        }
    }

    private static EscalationPolicy toPolicy(PolicyForm f) {
        List<EscalationStep> steps = new ArrayList<>();
        int n = 0;
        for (StepForm s : f.steps()) {
            if (s.type().isBlank()) {
                continue;
            }
            n++;
            String at = "step " + n + ": ";
            try {
                List<EscalationStep.Target> targets = new ArrayList<>();
                for (String t : s.targets()) {
                    int colon = t.indexOf(':');
                    if (colon < 0) {
                        throw new IllegalArgumentException("unknown target '" + t + "'");
                    }
                    targets.add(new EscalationStep.Target(
                            EscalationStep.TargetType.parse(t.substring(0, colon)),
                            uuid(t.substring(colon + 1), "target")));
                }
                EscalationStep.Condition when = null;
                boolean bh = !s.businessHours().isBlank() && !s.businessHours().equals("any");
                if (bh || !s.weekdays().isEmpty() || !s.severities().isEmpty()) {
                    when = new EscalationStep.Condition(
                            bh ? s.businessHours() : null,
                            s.weekdays().stream().map(DayOfWeek::valueOf).toList(),
                            s.severities().stream().map(Severity::parse).toList());
                }
                EscalationStep.Type type = EscalationStep.Type.parse(s.type());
                steps.add(new EscalationStep(
                        type,
                        type == EscalationStep.Type.NOTIFY ? targets : List.of(),
                        s.mode().isBlank() ? null : EscalationStep.Mode.parse(s.mode()),
                        type == EscalationStep.Type.NOTIFY ? optionalInt(s.timeout(), "wait for ack (minutes)") : null,
                        type == EscalationStep.Type.WAIT ? optionalInt(s.minutes(), "minutes") : null,
                        type == EscalationStep.Type.WEBHOOK && !s.channel().isBlank()
                                ? uuid(s.channel(), "channel")
                                : null,
                        s.important() ? Boolean.TRUE : null,
                        when));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        e.getMessage().startsWith("step ") ? e.getMessage() : at + e.getMessage(), e);
            }
        }
        return new EscalationPolicy(
                null,
                f.name(),
                f.description().isBlank() ? null : f.description().strip(),
                f.teamId().isBlank() ? null : uuid(f.teamId(), "team"),
                f.repeat().isBlank() ? 0 : integer(f.repeat(), "repeat"),
                f.ackTimeout().isBlank() ? 0 : integer(f.ackTimeout(), "acknowledgement timeout"),
                optionalInt(f.reminder(), "reminder"),
                optionalInt(f.reack(), "re-escalate after acknowledgement"),
                steps,
                null,
                null);
    }

    // --- notification rules

    /** One rule as typed in the form. */
    public record RuleForm(String channel, String delay) {}

    /** How many overrides (schedule page) and leave entries (person page) are shown at a time, then a "more" link. */
    static final int LIST_SIZE = 50;

    @GetMapping("/oncall/people/{id}")
    String person(@PathVariable UUID id, @RequestParam(required = false) String leaveAfter, Model model) {
        admin.person(id).orElseThrow(() -> new NoSuchElementException("no on-call person " + id));
        return rulesForm(model, id, rows(admin.rules(id, false)), rows(admin.rules(id, true)), null, leaveAfter);
    }

    private static List<RuleForm> rows(List<NotificationRule> rules) {
        List<RuleForm> out = new ArrayList<>();
        rules.forEach(r -> out.add(new RuleForm(r.channelId().toString(), String.valueOf(r.delayMinutes()))));
        out.add(new RuleForm("", ""));
        out.add(new RuleForm("", ""));
        return out;
    }

    private String rulesForm(
            Model model, UUID id, List<RuleForm> defaults, List<RuleForm> important, String error, String leaveAfter) {
        Person p = admin.person(id).orElseThrow();
        List<Channel> own = channels.list(id);
        model.addAttribute("person", p);
        model.addAttribute(
                "mayEditRules", access.allowed(Permission.ONCALL_WRITE) && access.selfOr(id, Permission.USERS_WRITE));
        model.addAttribute("ruleSets", List.of("default", "important"));
        model.addAttribute("channels", own);
        model.addAttribute("defaults", defaults);
        model.addAttribute("important", important);
        if (error != null) {
            model.addAttribute("error", error);
        }
        model.addAttribute("zone", p.timeZone() == null ? "UTC" : p.timeZone().getId());
        Instant now = clock.instant();
        // Current and planned leave, a page at a time (past leave stays in the API: GET .../leave?from=&to=).
        dev.vigil.server.platform.api.Page<Leave> leavePage = admin.leave(
                id, now, null, new PageQuery(0, LIST_SIZE, List.of(new PageQuery.Sort("start", false)), leaveAfter));
        model.addAttribute("leave", leavePage.items());
        model.addAttribute("leavePage", leavePage);
        model.addAttribute("leaveAfter", leaveAfter);
        model.addAttribute("mayEditLeave", admin.mayManageLeave(id));
        model.addAttribute("zoneFormat", (Function<Instant, String>)
                i -> SHOWN.format(i.atZone(p.timeZone() == null ? ZoneId.of("UTC") : p.timeZone())));
        return "oncall/person";
    }

    @PostMapping("/oncall/people/{id}/rules")
    @RequirePermission(Permission.ONCALL_WRITE)
    String saveRules(
            @PathVariable UUID id,
            @RequestParam MultiValueMap<String, String> params,
            Model model,
            RedirectAttributes flash) {
        admin.person(id).orElseThrow(() -> new NoSuchElementException("no on-call person " + id));
        access.requireSelfOr(id, Permission.USERS_WRITE, "another person's notification rules");
        List<RuleForm> defaults = ruleRows(params, "default");
        List<RuleForm> important = ruleRows(params, "important");
        try {
            List<NotificationRule> d = toRules(defaults, "default");
            List<NotificationRule> i = toRules(important, "important");
            admin.saveRules(id, false, d);
            admin.saveRules(id, true, i);
            return Flash.notice(flash, "Notification rules saved.", "redirect:/oncall/people/" + id);
        } catch (IllegalArgumentException e) {
            List<RuleForm> d = new ArrayList<>(defaults);
            d.add(new RuleForm("", ""));
            List<RuleForm> i = new ArrayList<>(important);
            i.add(new RuleForm("", ""));
            return rulesForm(model, id, d, i, e.getMessage(), null);
        }
    }

    private static List<RuleForm> ruleRows(MultiValueMap<String, String> params, String set) {
        return rows(params, set, "channel", p -> new RuleForm(one(params, p + "channel"), one(params, p + "delay")));
    }

    /**
     * The repeated rows of a form, fields named {@code <prefix><i>.<field>} for i = 0, 1, ... as long as row i has
     * {@code presentField}; a row with {@code <prefix><i>.remove} (its remove button) is left out. {@code row} reads
     * one row from its field-name prefix {@code <prefix><i>.}.
     */
    private static <T> List<T> rows(
            MultiValueMap<String, String> params, String prefix, String presentField, Function<String, T> row) {
        List<T> out = new ArrayList<>();
        for (int i = 0; params.containsKey(prefix + i + "." + presentField); i++) {
            String p = prefix + i + ".";
            if (!params.containsKey(p + "remove")) {
                out.add(row.apply(p));
            }
        }
        return out;
    }

    private static List<NotificationRule> toRules(List<RuleForm> rows, String set) {
        List<NotificationRule> out = new ArrayList<>();
        int n = 0;
        for (RuleForm r : rows) {
            n++;
            if (r.channel().isBlank()) {
                continue;
            }
            try {
                out.add(new NotificationRule(
                        uuid(r.channel(), "channel"), r.delay().isBlank() ? 0 : integer(r.delay(), "delay")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(set + " rule " + n + ": " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparingInt(NotificationRule::delayMinutes));
        return out;
    }

    @PostMapping("/oncall/people/{id}/leave")
    @RequirePermission(Permission.ONCALL_WRITE)
    String addLeave(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String start,
            @RequestParam(defaultValue = "") String end,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes flash) {
        Person p = admin.person(id).orElseThrow(() -> new NoSuchElementException("no on-call person " + id));
        requireMayManageLeave(id); // before reading the form: a colleague gets 403, not a form error
        ZoneId zone = p.timeZone() == null ? ZoneId.of("UTC") : p.timeZone();
        try {
            admin.addLeave(
                    id,
                    localInstant(start, zone, "start"),
                    localInstant(end, zone, "end"),
                    reason.isBlank() ? null : reason.strip());
            flash.addFlashAttribute("notice", "Leave added.");
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/oncall/people/" + id;
    }

    @PostMapping("/oncall/people/{id}/leave/{leaveId}/delete")
    @RequirePermission(Permission.ONCALL_WRITE)
    String deleteLeave(@PathVariable UUID id, @PathVariable UUID leaveId, RedirectAttributes flash) {
        admin.person(id).orElseThrow(() -> new NoSuchElementException("no on-call person " + id));
        requireMayManageLeave(id);
        return Flash.notice(
                flash,
                admin.deleteLeave(id, leaveId) ? "Leave removed." : "No such leave.",
                "redirect:/oncall/people/" + id);
    }

    /** A person's leave is theirs (or an administrator's, {@code users_write}) to change; the service checks it too. */
    private void requireMayManageLeave(UUID id) {
        if (!admin.mayManageLeave(id)) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "only its user, or a caller with users_write, may change another person's leave");
        }
    }

    // --- page history

    @GetMapping("/oncall/pages")
    String pages(
            @RequestParam(required = false) String incident,
            @RequestParam(required = false) String subjectType,
            @RequestParam(required = false) String subjectId,
            @RequestParam(required = false) UUID team,
            @RequestParam(required = false) UUID user,
            @RequestParam(required = false) LocalDate from,
            @RequestParam(required = false) LocalDate to,
            @RequestParam(required = false) String status,
            Model model) {
        String type = blank(incident) ? blankToNull(subjectType) : "incident";
        String subject = blank(incident) ? blankToNull(subjectId) : incident.strip();
        PageStatus st = blank(status) ? null : PageStatus.parse(status);
        List<Page> found = admin.searchPages(new OnCallAdmin.PageFilter(
                type,
                subject,
                team,
                user,
                from == null ? null : from.atStartOfDay(ZoneId.of("UTC")).toInstant(),
                to == null
                        ? null
                        : to.plusDays(1).atStartOfDay(ZoneId.of("UTC")).toInstant(),
                st,
                200));
        model.addAttribute("pages", found);
        model.addAttribute("incident", incident == null ? "" : incident);
        model.addAttribute("subjectType", type == null ? "" : type);
        model.addAttribute("subjectId", subject == null ? "" : subject);
        model.addAttribute("team", team);
        model.addAttribute("user", user);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("status", st == null ? "" : st.id());
        model.addAttribute("teams", admin.teams());
        model.addAttribute("people", admin.people());
        model.addAttribute("statuses", List.of(PageStatus.values()));
        return "oncall/pages";
    }

    /** A delivery row: who, over what, the outcome and each attempt. */
    public record DeliveryRow(dev.vigil.server.notify.Delivery delivery, String recipient, String channel) {}

    @GetMapping("/oncall/pages/{id}")
    String page(@PathVariable UUID id, Model model) {
        PageHistory h = paging.history(id).orElseThrow(() -> new NoSuchElementException("no page " + id));
        Map<UUID, String> names = names();
        Map<UUID, String> channelNames =
                channels.list(null).stream().collect(Collectors.toMap(Channel::id, Channel::name, (a, b) -> a));
        List<DeliveryRow> rows = h.deliveries().stream()
                .map(d -> new DeliveryRow(
                        d,
                        d.recipient() == null
                                ? "shared channel"
                                : names.getOrDefault(
                                        d.recipient(), d.recipient().toString()),
                        channelNames.getOrDefault(d.channelId(), d.channelType())))
                .toList();
        model.addAttribute("history", h);
        model.addAttribute("p", h.page());
        model.addAttribute("deliveries", rows);
        model.addAttribute("team", admin.team(h.page().policy().teamId()).orElse(null));
        return "oncall/page";
    }

    @PostMapping("/oncall/pages/{id}/{action:acknowledge|unacknowledge|resolve}")
    @RequirePermission(Permission.ONCALL_WRITE)
    String act(@PathVariable UUID id, @PathVariable String action, RedirectAttributes flash) {
        Page p = switch (action) {
            case "acknowledge" -> paging.acknowledge(id, actor());
            case "unacknowledge" -> paging.unacknowledge(id, actor());
            default -> paging.resolve(id, actor());
        };
        return Flash.notice(flash, "Page " + p.status().id() + ".", "redirect:/oncall/pages/" + id);
    }

    // --- helpers

    private static String one(MultiValueMap<String, String> params, String key) {
        String v = params.getFirst(key);
        return v == null ? "" : v;
    }

    private static List<String> all(MultiValueMap<String, String> params, String key) {
        List<String> v = params.get(key);
        return v == null ? List.of() : v.stream().filter(x -> !x.isBlank()).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s.strip();
    }

    private static UUID uuid(String s, String what) {
        if (blank(s)) {
            throw new IllegalArgumentException(what + " is required");
        }
        try {
            return UUID.fromString(s.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not an id");
        }
    }

    private static int integer(String s, String what) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number");
        }
    }

    private static Integer optionalInt(String s, String what) {
        return blank(s) ? null : integer(s, what);
    }

    private static LocalDateTime local(String s, String what) {
        if (blank(s)) {
            throw new IllegalArgumentException(what + " is required");
        }
        try {
            return LocalDateTime.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a date and time (yyyy-MM-ddTHH:mm)");
        }
    }

    private static Instant localInstant(String s, ZoneId zone, String what) {
        return ZonedDateTime.ofLocal(local(s, what), zone, null).toInstant();
    }
}
