package dev.vigil.server.web.internal;

import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.evidence.EvidenceLocker;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.IncidentObligation;
import dev.vigil.server.incidents.IncidentQuery;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.NewTimelineEntry;
import dev.vigil.server.incidents.ObligationService;
import dev.vigil.server.incidents.Observable;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.Participant;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.incidents.Submission;
import dev.vigil.server.incidents.TaskService;
import dev.vigil.server.incidents.TaxonomyService;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.oncall.PageHistory;
import dev.vigil.server.oncall.PageLogEntry;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.security.AccessControl;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /incidents}: the incident list with filters and SLA badges, a form to report one by hand, and the incident
 * page (the war room): record and life cycle, closure gates, alerts, timeline, tasks, notification deadlines with
 * countdowns, evidence, participants, observables and the root-cause analysis. Every change goes through the
 * incident module's services (audited, on the timeline, published as events). Everything shown that can come from
 * logs or people is rendered as text (th:text), never as markup.
 */
@Controller
@RequirePermission(Permission.INCIDENTS_READ)
class IncidentPages {
    private static final int SIZE = 50;
    private static final int RCA_ROWS = 3;

    private final IncidentService incidents;
    private final TaskService tasks;
    private final ObligationService obligations;
    private final PlaybookService playbooks;
    private final RcaService rcas;
    private final TimelineService timeline;
    private final TaxonomyService taxonomy;
    private final EvidenceLocker evidence;
    private final PagingService paging;
    private final AccessControl access;
    private final Clock clock;

    IncidentPages(
            IncidentService incidents,
            TaskService tasks,
            ObligationService obligations,
            PlaybookService playbooks,
            RcaService rcas,
            TimelineService timeline,
            TaxonomyService taxonomy,
            EvidenceLocker evidence,
            PagingService paging,
            AccessControl access,
            Clock clock) {
        this.incidents = incidents;
        this.tasks = tasks;
        this.obligations = obligations;
        this.playbooks = playbooks;
        this.rcas = rcas;
        this.timeline = timeline;
        this.taxonomy = taxonomy;
        this.evidence = evidence;
        this.paging = paging;
        this.access = access;
        this.clock = clock;
    }

    /** The most urgent open deadline of an incident, as a badge: label, css state and the instant it counts to. */
    public record Badge(String label, String state, Instant dueAt, String obligation, String stage) {}

    /** A related incident. */
    public record Link(String reference, String kind) {}

    /**
     * A page sent about the incident (its own, or one about a notification deadline of it): who was notified, when,
     * over which channels, with what outcome, and who acknowledged.
     */
    public record PageRow(
            dev.vigil.server.oncall.Page page, String about, List<Notified> notified, boolean open, boolean canAck) {}

    /** One notification of a page: when, whom, over which channels, and what came of it. */
    public record Notified(Instant at, String who, String channels, String outcome) {}

    /** One row of the list. */
    public record Row(Incident incident, String classification, Badge badge) {}

    @GetMapping("/incidents")
    String list(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Integer priority,
            @RequestParam(name = "class", required = false) String classKey,
            @RequestParam(required = false) String team,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String deadline,
            @RequestParam(required = false) String exercise,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        AlertQuery.Exercises exercises = AlertQuery.Exercises.requested(exercise, null);
        String st = blank(state) == null ? "open" : state.strip();
        if (blank(deadline) != null
                && !List.of("pending", "at_risk", "overdue", "waiting").contains(deadline)) {
            throw new IllegalArgumentException("deadline must be pending, at_risk, overdue or waiting");
        }
        if (priority != null && (priority < 1 || priority > 5)) {
            throw new IllegalArgumentException("priority must be 1 to 5");
        }
        Boolean open = switch (st) {
            case "open" -> Boolean.TRUE;
            case "closed" -> Boolean.FALSE;
            case "all" -> null;
            default -> throw new IllegalArgumentException("state must be open, closed or all");
        };
        IncidentQuery query = new IncidentQuery(
                open,
                blank(status) == null ? null : IncidentStatus.parse(status),
                blank(severity) == null ? null : IncidentSeverity.parse(severity),
                priority,
                blank(classKey),
                blank(team),
                null,
                null,
                blank(q),
                blank(deadline),
                null,
                null,
                exercises);
        Page<Incident> result =
                incidents.find(query, PageQuery.of(Math.max(0, page), SIZE, new PageQuery.Sort("createdAt", true)));
        Instant now = clock.instant();
        model.addAttribute(
                "rows",
                result.items().stream()
                        .map(i -> new Row(
                                i,
                                taxonomy.label(i.classification()),
                                i.status().open() ? badge(obligations.forIncident(i.id()), now) : null))
                        .toList());
        model.addAttribute("result", result);
        model.addAttribute("statuses", IncidentStatus.values());
        model.addAttribute("severities", IncidentSeverity.values());
        model.addAttribute("classes", taxonomy.classes(false));
        model.addAttribute("state", st);
        model.addAttribute("status", blank(status));
        model.addAttribute("severity", blank(severity));
        model.addAttribute("priority", priority);
        model.addAttribute("classKey", blank(classKey));
        model.addAttribute("team", blank(team));
        model.addAttribute("q", blank(q));
        model.addAttribute("deadline", blank(deadline));
        model.addAttribute("exercise", exercises.id());
        model.addAttribute("exerciseChoices", AlertQuery.Exercises.values());
        model.addAttribute("exercisesHidden", incidents.exercisesHidden(query));
        model.addAttribute("now", now);
        return "incidents/list";
    }

    @GetMapping("/incidents/new")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String newForm(Model model) {
        model.addAttribute("severities", IncidentSeverity.values());
        model.addAttribute("classes", taxonomy.classes(false));
        model.addAttribute("playbooks", playbooks.list(false));
        return "incidents/new";
    }

    @PostMapping("/incidents")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String create(
            @RequestParam String title,
            @RequestParam(required = false) String description,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Integer priority,
            @RequestParam(required = false) String classification,
            @RequestParam(required = false) String team,
            @RequestParam(required = false) String lead,
            @RequestParam(required = false) String playbook,
            RedirectAttributes flash) {
        Incident i = incidents.create(new NewIncident(
                title,
                blank(description),
                blank(severity) == null ? null : IncidentSeverity.parse(severity),
                priority,
                blank(classification) == null ? null : Classification.parse(classification),
                blank(team),
                blank(lead),
                null,
                null,
                null,
                null,
                null,
                blank(playbook)));
        return Flash.notice(flash, i.reference() + " reported.", redirect(i));
    }

    @PostMapping("/incidents/promote")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String promote(@RequestParam UUID alertId, RedirectAttributes flash) {
        Incident i = incidents.promote(alertId);
        return Flash.notice(flash, "Alert promoted to " + i.reference() + ".", redirect(i));
    }

    /** How many alerts and timeline entries the incident page shows at a time (then "next" links, by cursor). */
    static final int SECTION_SIZE = 100;

    /** How many evidence items the incident page, and custody entries the evidence page, show at a time. */
    static final int EVIDENCE_SIZE = 50;

    @GetMapping("/incidents/{ref}")
    String detail(
            @PathVariable String ref,
            @RequestParam(required = false) String alertsAfter,
            @RequestParam(required = false) String timelineAfter,
            @RequestParam(required = false) String evidenceAfter,
            Model model) {
        Incident i = incident(ref);
        Instant now = clock.instant();
        UUID id = i.id();
        List<IncidentObligation> obligationList = obligations.forIncident(id);
        model.addAttribute("incident", i);
        model.addAttribute("classification", taxonomy.label(i.classification()));
        model.addAttribute(
                "firstClassification",
                i.firstClassification() == null ? null : taxonomy.label(i.firstClassification()));
        model.addAttribute(
                "finalClassification",
                i.finalClassification() == null ? null : taxonomy.label(i.finalClassification()));
        model.addAttribute(
                "next",
                i.status().next().stream()
                        .filter(s -> s != IncidentStatus.MERGED)
                        .toList());
        model.addAttribute("blockers", i.status().open() ? incidents.closureBlockers(id) : List.of());
        Page<IncidentAlert> alertPage = incidents.alerts(
                id, new PageQuery(0, SECTION_SIZE, List.of(new PageQuery.Sort("addedAt", false)), alertsAfter));
        model.addAttribute("alertPage", alertPage);
        model.addAttribute("alerts", alertPage.items());
        model.addAttribute("alertsAfter", alertsAfter);
        model.addAttribute(
                "links",
                incidents.links(id).stream()
                        .map(l -> new Link(
                                incidents
                                        .get(l.linkedId())
                                        .map(Incident::reference)
                                        .orElse(l.linkedId().toString()),
                                l.kind()))
                        .toList());
        Page<Observable> observablePage =
                incidents.observables(id, new PageQuery(0, 200, List.of(new PageQuery.Sort("createdAt", false))));
        model.addAttribute("observables", observablePage.items());
        model.addAttribute("observableTotal", observablePage.total());
        model.addAttribute("participants", incidents.participants(id));
        Page<TimelineEntry> timelinePage = timeline.page(
                id, new PageQuery(0, SECTION_SIZE, List.of(new PageQuery.Sort("at", true)), timelineAfter));
        model.addAttribute("timelinePage", timelinePage);
        model.addAttribute("timeline", timelinePage.items());
        model.addAttribute("timelineAfter", timelineAfter);
        model.addAttribute("tasks", tasks.list(id));
        model.addAttribute("obligations", obligationList);
        model.addAttribute("countdowns", countdowns(obligationList, now));
        model.addAttribute("badge", i.status().open() ? badge(obligationList, now) : null);
        model.addAttribute("templates", obligations.templates());
        model.addAttribute("playbooks", playbooks.list(false));
        model.addAttribute("applied", playbooks.applied(id));
        Page<EvidenceItem> evidencePage = evidence.list(
                id, new PageQuery(0, EVIDENCE_SIZE, List.of(new PageQuery.Sort("createdAt", true)), evidenceAfter));
        model.addAttribute("evidencePage", evidencePage);
        model.addAttribute("evidence", evidencePage.items());
        model.addAttribute("evidenceAfter", evidenceAfter);
        Rca rca = rcas.get(id).orElse(null);
        model.addAttribute("rca", rca);
        model.addAttribute("rcaRequired", rcas.required(i));
        model.addAttribute("causes", padded(rca == null ? List.of() : rca.causes(), new Rca.Cause("", "")));
        model.addAttribute(
                "actions",
                padded(
                        rca == null ? List.of() : rca.correctiveActions(),
                        new Rca.CorrectiveAction("", "", null, "open")));
        model.addAttribute("factors", rca == null ? "" : String.join("\n", rca.contributingFactors()));
        model.addAttribute("severities", IncidentSeverity.values());
        model.addAttribute("phases", Phase.values());
        model.addAttribute("outcomes", Outcome.values());
        model.addAttribute("classes", taxonomy.classes(false));
        model.addAttribute("manualKinds", List.of("note", "decision", "communication", "action"));
        model.addAttribute("causeCategories", List.of("people", "process", "technology", "third-party", "external"));
        model.addAttribute("pages", access.allowed(Permission.ONCALL_READ) ? pages(i, obligationList) : null);
        model.addAttribute("now", now);
        return "incidents/detail";
    }

    @PostMapping("/incidents/{ref}/status")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String transition(
            @PathVariable String ref,
            @RequestParam String to,
            @RequestParam(required = false) String note,
            RedirectAttributes flash) {
        Incident i = incidents.transition(incident(ref).id(), IncidentStatus.parse(to), blank(note));
        return Flash.notice(flash, i.reference() + " is now " + i.status().id() + ".", redirect(i));
    }

    @PostMapping("/incidents/{ref}")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String update(
            @PathVariable String ref,
            @RequestParam(required = false) String title,
            @RequestParam(required = false) String description,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Integer priority,
            @RequestParam(required = false) String phase,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String classification,
            @RequestParam(required = false) String team,
            @RequestParam(required = false) String lead,
            @RequestParam(required = false) String assignees,
            @RequestParam(required = false) String applications,
            @RequestParam(required = false) String assets,
            @RequestParam(required = false) String techniques,
            @RequestParam(required = false) String bridgeUrl,
            @RequestParam(required = false) String chatUrl,
            @RequestParam(required = false) String reason,
            RedirectAttributes flash) {
        Incident before = incident(ref);
        Incident i = incidents.update(
                before.id(),
                new IncidentUpdate(
                        changed(title, before.title()),
                        changed(description, before.description()),
                        blank(severity) == null ? null : IncidentSeverity.parse(severity),
                        priority,
                        blank(phase) == null ? null : Phase.parse(phase),
                        blank(outcome) == null ? null : Outcome.parse(outcome),
                        blank(classification) == null ? null : Classification.parse(classification),
                        changed(team, before.owningTeam()),
                        changed(lead, before.lead()),
                        changed(list(assignees), before.assignees()),
                        changed(list(applications), before.applications()),
                        changed(list(assets), before.assets()),
                        changed(list(techniques), before.techniques()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        changed(bridgeUrl, before.bridgeUrl()),
                        changed(chatUrl, before.chatUrl()),
                        blank(reason)));
        return Flash.notice(flash, i.reference() + " saved.", redirect(i));
    }

    @PostMapping("/incidents/{ref}/timeline")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String addEntry(
            @PathVariable String ref,
            @RequestParam String kind,
            @RequestParam String summary,
            @RequestParam(required = false) String details,
            @RequestParam(required = false) String audience,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String at,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        timeline.add(
                i.id(),
                new NewTimelineEntry(
                        kind, instant(at, "when"), summary, blank(details), blank(audience), blank(channel)));
        return Flash.notice(flash, "Added to the timeline.", redirect(i, "timeline"));
    }

    @PostMapping("/incidents/{ref}/timeline/import")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String importTimeline(@PathVariable String ref, @RequestParam MultipartFile file, RedirectAttributes flash)
            throws IOException {
        Incident i = incident(ref);
        try (var reader =
                new java.io.InputStreamReader(file.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)) {
            TimelineService.ImportResult r = timeline.importCsv(i.id(), reader);
            flash.addFlashAttribute(
                    "notice",
                    r.errors().isEmpty()
                            ? "Imported " + r.imported() + " entries (" + r.skipped() + " automatic rows skipped)."
                            : "Nothing imported: " + String.join("; ", r.errors()));
        }
        return redirect(i, "timeline");
    }

    @PostMapping("/incidents/{ref}/tasks")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String addTask(
            @PathVariable String ref,
            @RequestParam String title,
            @RequestParam(required = false) String instructions,
            @RequestParam(required = false) String assignee,
            @RequestParam(required = false) boolean mandatory,
            @RequestParam(required = false) String due,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        tasks.add(i.id(), title, blank(instructions), null, blank(assignee), mandatory, instant(due, "due"));
        return Flash.notice(flash, "Task added.", redirect(i, "tasks"));
    }

    @PostMapping("/incidents/{ref}/tasks/{task}")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String task(
            @PathVariable String ref,
            @PathVariable UUID task,
            @RequestParam String action,
            @RequestParam(required = false) String note,
            @RequestParam(required = false) String assignee,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        var t = switch (action) {
            case "complete" -> tasks.complete(i.id(), task, blank(note));
            case "skip" -> tasks.skip(i.id(), task, blank(note));
            case "reopen" -> tasks.reopen(i.id(), task);
            case "assign" -> tasks.assign(i.id(), task, blank(assignee));
            default -> throw new IllegalArgumentException("unknown task action '" + action + "'");
        };
        return Flash.notice(flash, "Task '" + t.title() + "' " + t.status() + ".", redirect(i, "tasks"));
    }

    @PostMapping("/incidents/{ref}/playbooks")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String applyPlaybook(@PathVariable String ref, @RequestParam String playbook, RedirectAttributes flash) {
        Incident i = incident(ref);
        int n = playbooks.apply(i.id(), playbook).size();
        return Flash.notice(flash, "Playbook applied: " + n + " tasks.", redirect(i, "tasks"));
    }

    @PostMapping("/incidents/{ref}/obligations")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String attach(
            @PathVariable String ref,
            @RequestParam String template,
            @RequestParam String reason,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        IncidentObligation o = obligations.attach(i.id(), template, reason);
        return Flash.notice(flash, "Obligation '" + o.name() + "' attached.", redirect(i, "deadlines"));
    }

    @PostMapping("/incidents/{ref}/obligations/{obligation}/not-required")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String notRequired(
            @PathVariable String ref,
            @PathVariable UUID obligation,
            @RequestParam String reason,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        IncidentObligation o = obligations.markNotRequired(i.id(), obligation, reason);
        return Flash.notice(flash, "Obligation '" + o.name() + "' marked not required.", redirect(i, "deadlines"));
    }

    @PostMapping("/incidents/{ref}/deadlines/{stage}")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String submit(
            @PathVariable String ref,
            @PathVariable UUID stage,
            @RequestParam(required = false) String at,
            @RequestParam String to,
            @RequestParam(required = false) String what,
            @RequestParam(required = false) String reference,
            @RequestParam(required = false) String lateJustification,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        DeadlineStage s = obligations.submit(
                i.id(),
                stage,
                new Submission(instant(at, "sent at"), to, blank(what), blank(reference), blank(lateJustification)));
        return Flash.notice(
                flash,
                "Submission of '" + s.name() + "' recorded" + (Boolean.TRUE.equals(s.late()) ? " (late)." : "."),
                redirect(i, "deadlines"));
    }

    @PostMapping("/incidents/{ref}/participants")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String addParticipant(
            @PathVariable String ref,
            @RequestParam String name,
            @RequestParam(required = false) String role,
            @RequestParam(required = false) String contact,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        incidents.addParticipant(i.id(), new Participant(name, blank(role), blank(contact), null));
        return Flash.notice(flash, "Participant added.", redirect(i, "war-room"));
    }

    @PostMapping("/incidents/{ref}/observables")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String addObservable(
            @PathVariable String ref,
            @RequestParam String kind,
            @RequestParam String value,
            @RequestParam(required = false) String description,
            @RequestParam(required = false) boolean ioc,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        incidents.addObservable(i.id(), kind, value, blank(description), ioc);
        return Flash.notice(flash, "Observable added.", redirect(i, "observables"));
    }

    @PostMapping("/incidents/{ref}/evidence")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String upload(
            @PathVariable String ref,
            @RequestParam MultipartFile file,
            @RequestParam(required = false) String description,
            RedirectAttributes flash)
            throws IOException {
        Incident i = incident(ref);
        if (file.isEmpty()
                && (file.getOriginalFilename() == null
                        || file.getOriginalFilename().isBlank())) {
            throw new IllegalArgumentException("choose a file to upload");
        }
        EvidenceItem item;
        try (InputStream in = file.getInputStream()) {
            item = evidence.upload(i.id(), file.getOriginalFilename(), file.getContentType(), blank(description), in);
        }
        return Flash.notice(
                flash,
                "Evidence '" + item.name() + "' stored, SHA-256 " + item.sha256() + ".",
                redirect(i, "evidence"));
    }

    @PostMapping("/incidents/{ref}/evidence/alerts")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String attachAlert(
            @PathVariable String ref,
            @RequestParam UUID alertId,
            @RequestParam(required = false) String description,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        EvidenceItem item = evidence.attachAlert(i.id(), alertId, blank(description));
        return Flash.notice(
                flash, "Alert event stored as evidence, SHA-256 " + item.sha256() + ".", redirect(i, "evidence"));
    }

    @PostMapping("/incidents/{ref}/evidence/{item}/verify")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String verify(@PathVariable String ref, @PathVariable UUID item, RedirectAttributes flash) {
        Incident i = incident(ref);
        EvidenceItem e = evidence.verify(own(i, item).id());
        return Flash.notice(flash, "Integrity of '" + e.name() + "': " + e.integrity() + ".", redirect(i, "evidence"));
    }

    @PostMapping("/incidents/{ref}/evidence/{item}/custody")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String custody(
            @PathVariable String ref,
            @PathVariable UUID item,
            @RequestParam String action,
            @RequestParam(required = false) String location,
            @RequestParam(required = false) String details,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        evidence.recordCustody(own(i, item).id(), action, blank(location), blank(details));
        return Flash.notice(flash, "Custody entry recorded.", redirect(i, "evidence"));
    }

    @GetMapping("/incidents/{ref}/evidence/{item}")
    String evidenceItem(
            @PathVariable String ref,
            @PathVariable UUID item,
            @RequestParam(required = false) String custodyAfter,
            Model model) {
        Incident i = incident(ref);
        EvidenceItem e = own(i, item);
        model.addAttribute("incident", i);
        model.addAttribute("item", e);
        Page<dev.vigil.server.evidence.CustodyEntry> custodyPage = evidence.custody(
                e.id(), new PageQuery(0, EVIDENCE_SIZE, List.of(new PageQuery.Sort("seq", true)), custodyAfter));
        model.addAttribute("custodyPage", custodyPage);
        model.addAttribute("custody", custodyPage.items());
        model.addAttribute("custodyAfter", custodyAfter);
        model.addAttribute("custodyActions", List.of("transferred", "returned", "sealed", "analysed", "note"));
        return "incidents/evidence";
    }

    @PostMapping("/incidents/{ref}/rca")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String saveRca(
            @PathVariable String ref,
            @RequestParam(required = false) String summary,
            @RequestParam(required = false) List<String> causeCategory,
            @RequestParam(required = false) List<String> causeDescription,
            @RequestParam(required = false) String factors,
            @RequestParam(required = false) List<String> action,
            @RequestParam(required = false) List<String> actionOwner,
            @RequestParam(required = false) List<String> actionDue,
            @RequestParam(required = false) List<String> actionStatus,
            @RequestParam(required = false) String lessons,
            @RequestParam(defaultValue = "save") String submit,
            RedirectAttributes flash) {
        Incident i = incident(ref);
        List<Rca.Cause> causes = new ArrayList<>();
        for (int n = 0; n < size(causeDescription); n++) {
            String d = blank(causeDescription.get(n));
            if (d != null) {
                causes.add(new Rca.Cause(at(causeCategory, n, "process"), d));
            }
        }
        List<Rca.CorrectiveAction> actions = new ArrayList<>();
        for (int n = 0; n < size(action); n++) {
            String a = blank(action.get(n));
            if (a != null) {
                String due = blank(at(actionDue, n, null));
                LocalDate dueDate;
                try {
                    dueDate = due == null ? null : LocalDate.parse(due);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("due date '" + due + "' is not a date (YYYY-MM-DD)");
                }
                actions.add(new Rca.CorrectiveAction(
                        a, blank(at(actionOwner, n, null)), dueDate, at(actionStatus, n, "open")));
            }
        }
        List<String> factorList = factors == null
                ? List.of()
                : factors.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        rcas.save(i.id(), new RcaService.Draft(blank(summary), causes, factorList, actions, blank(lessons)));
        if (submit.equals("complete")) {
            rcas.complete(i.id());
            flash.addFlashAttribute("notice", "Root-cause analysis completed.");
        } else {
            flash.addFlashAttribute("notice", "Root-cause analysis saved.");
        }
        return redirect(i, "rca");
    }

    @PostMapping("/incidents/{ref}/rca/waive")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String waiveRca(@PathVariable String ref, @RequestParam String reason, RedirectAttributes flash) {
        Incident i = incident(ref);
        rcas.waive(i.id(), reason);
        return Flash.notice(flash, "Root-cause analysis waived.", redirect(i, "rca"));
    }

    // ---- merge, link, split ----

    @PostMapping("/incidents/{ref}/merge")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String merge(
            @PathVariable String ref,
            @RequestParam String other,
            @RequestParam(defaultValue = "into-this") String direction,
            @RequestParam(required = false) String note,
            RedirectAttributes flash) {
        Incident here = incident(ref);
        Incident there = incident(required(other, "the other incident"));
        boolean intoThis = !direction.equals("into-other");
        Incident target = intoThis ? here : there;
        Incident source = intoThis ? there : here;
        Incident merged = incidents.merge(target.id(), source.id(), blank(note));
        return Flash.notice(flash, source.reference() + " merged into " + merged.reference() + ".", redirect(merged));
    }

    @PostMapping("/incidents/{ref}/links")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String link(
            @PathVariable String ref,
            @RequestParam String other,
            @RequestParam(required = false) String note,
            RedirectAttributes flash) {
        Incident here = incident(ref);
        Incident there = incident(required(other, "the other incident"));
        incidents.link(here.id(), there.id(), blank(note));
        return Flash.notice(
                flash, here.reference() + " linked with " + there.reference() + ".", redirect(here, "related"));
    }

    @PostMapping("/incidents/{ref}/links/remove")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String unlink(@PathVariable String ref, @RequestParam String other, RedirectAttributes flash) {
        Incident here = incident(ref);
        Incident there = incident(other);
        incidents.unlink(here.id(), there.id());
        return Flash.notice(
                flash,
                "Link between " + here.reference() + " and " + there.reference() + " removed.",
                redirect(here, "related"));
    }

    @PostMapping("/incidents/{ref}/split")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String split(
            @PathVariable String ref,
            @RequestParam(name = "alert", required = false) List<UUID> alertIds,
            @RequestParam(required = false) String title,
            RedirectAttributes flash) {
        Incident here = incident(ref);
        if (alertIds == null || alertIds.isEmpty()) {
            throw new IllegalArgumentException("choose the alerts to split out");
        }
        Incident created = incidents.split(here.id(), alertIds, blank(title));
        return Flash.notice(
                flash,
                alertIds.size() + " alert(s) split out of " + here.reference() + " into " + created.reference() + ".",
                redirect(created));
    }

    // ---- pages (on-call) ----

    @PostMapping("/incidents/{ref}/pages/{page}/acknowledge")
    @RequirePermission(Permission.ONCALL_WRITE)
    String acknowledgePage(@PathVariable String ref, @PathVariable UUID page, RedirectAttributes flash) {
        Incident i = incident(ref);
        dev.vigil.server.oncall.Page p = ownPage(i, page);
        String by = access.currentUser()
                .map(dev.vigil.server.security.User::username)
                .orElse("api");
        paging.acknowledge(p.id(), by);
        return Flash.notice(flash, "Page acknowledged.", redirect(i, "pages"));
    }

    /** The incident's own pages and those about its notification deadlines, newest first. */
    private List<PageRow> pages(Incident i, List<IncidentObligation> obligationList) {
        boolean canAck = access.allowed(Permission.ONCALL_WRITE);
        List<PageRow> rows = new ArrayList<>();
        for (dev.vigil.server.oncall.Page p : paging.pagesFor("incident", i.id().toString())) {
            rows.add(row(p, "incident", canAck));
        }
        for (IncidentObligation o : obligationList) {
            for (DeadlineStage st : o.stages()) {
                for (dev.vigil.server.oncall.Page p :
                        paging.pagesFor("incident-deadline", st.id().toString())) {
                    rows.add(row(p, "deadline: " + o.name() + " / " + st.name(), canAck));
                }
            }
        }
        rows.sort(Comparator.comparing((PageRow r) -> r.page().createdAt()).reversed());
        return rows;
    }

    private PageRow row(dev.vigil.server.oncall.Page p, String about, boolean canAck) {
        List<Notified> notified = new ArrayList<>();
        PageHistory h = paging.history(p.id()).orElse(null);
        if (h != null) {
            java.util.Map<String, String> names = new java.util.HashMap<>();
            for (PageLogEntry e : h.log()) {
                if (e.kind().equals("escalated") && e.detail().get("recipients") instanceof List<?> who) {
                    for (Object o : who) {
                        if (o instanceof java.util.Map<?, ?> m && m.get("user") != null) {
                            names.put(String.valueOf(m.get("user")), String.valueOf(m.get("name")));
                        }
                    }
                } else if (e.kind().equals("no-contact")) {
                    notified.add(new Notified(
                            e.at(), String.valueOf(e.detail().get("name")), "-", "no notification channel"));
                } else if (e.kind().equals("exhausted")) {
                    notified.add(new Notified(e.at(), "fallback", "-", "nobody acknowledged"));
                }
            }
            for (dev.vigil.server.notify.Delivery d : h.deliveries()) {
                String who = d.recipient() == null
                        ? "-"
                        : names.getOrDefault(
                                d.recipient().toString(), d.recipient().toString());
                String outcome = d.status()
                        + (d.attempts() > 1 ? " after " + d.attempts() + " attempts" : "")
                        + (d.lastError() == null || d.status().equals("sent") ? "" : ": " + d.lastError());
                notified.add(new Notified(d.createdAt(), who, d.channelType() + " (" + d.kind() + ")", outcome));
            }
        }
        notified.sort(Comparator.comparing(Notified::at, Comparator.nullsLast(Comparator.naturalOrder())));
        boolean open = p.status() != dev.vigil.server.oncall.PageStatus.RESOLVED;
        return new PageRow(
                p, about, notified, open, canAck && p.status() == dev.vigil.server.oncall.PageStatus.TRIGGERED);
    }

    private dev.vigil.server.oncall.Page ownPage(Incident i, UUID pageId) {
        dev.vigil.server.oncall.Page p =
                paging.get(pageId).orElseThrow(() -> new NoSuchElementException("no page " + pageId));
        boolean ours = (p.subjectType().equals("incident") && p.subjectId().equals(i.id().toString()))
                || (p.subjectType().equals("incident-deadline")
                        && obligations.forIncident(i.id()).stream()
                                .flatMap(o -> o.stages().stream())
                                .anyMatch(st -> st.id().toString().equals(p.subjectId())));
        if (!ours) {
            throw new NoSuchElementException("no page " + pageId + " for " + i.reference());
        }
        return p;
    }

    private static String required(String value, String what) {
        String v = blank(value);
        if (v == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        return v;
    }

    // ---- helpers ----

    private Incident incident(String ref) {
        return incidents.find(ref).orElseThrow(() -> new NoSuchElementException("no incident " + ref));
    }

    private EvidenceItem own(Incident i, UUID item) {
        return evidence.get(item)
                .filter(e -> e.incidentId().equals(i.id()))
                .orElseThrow(() -> new NoSuchElementException("no evidence " + item + " in " + i.reference()));
    }

    private static String redirect(Incident i) {
        return "redirect:/incidents/" + i.reference();
    }

    private static String redirect(Incident i, String anchor) {
        return "redirect:/incidents/" + i.reference() + "#" + anchor;
    }

    /** One countdown per open stage with a deadline, soonest first. */
    public record Countdown(IncidentObligation obligation, DeadlineStage stage, String label, String state) {}

    static List<Countdown> countdowns(List<IncidentObligation> list, Instant now) {
        List<Countdown> out = new ArrayList<>();
        for (IncidentObligation o : list) {
            for (DeadlineStage s : o.stages()) {
                out.add(new Countdown(o, s, label(s, now), s.state()));
            }
        }
        return out;
    }

    static Badge badge(List<IncidentObligation> list, Instant now) {
        return list.stream()
                .filter(o -> o.status().equals("open"))
                .flatMap(o -> o.stages().stream()
                        .filter(s -> s.open() && s.dueAt() != null)
                        .map(s -> new Badge(label(s, now), s.state(), s.dueAt(), o.name(), s.name())))
                .min(Comparator.comparing(Badge::dueAt))
                .orElse(null);
    }

    /** "due in 2h 05m", "overdue by 1d 3h", "submitted", "waits for its trigger". */
    static String label(DeadlineStage s, Instant now) {
        if (!s.open()) {
            return Boolean.TRUE.equals(s.late()) ? "submitted late" : "submitted";
        }
        if (s.dueAt() == null) {
            return "waits for its trigger";
        }
        Duration left = Duration.between(now, s.dueAt());
        return left.isNegative() ? "overdue by " + human(left.negated()) : "due in " + human(left);
    }

    static String human(Duration d) {
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + String.format("%02dm", minutes);
        }
        return Math.max(minutes, 0) + "m";
    }

    private static <T> List<T> padded(List<T> items, T blank) {
        List<T> out = new ArrayList<>(items);
        for (int n = 0; n < RCA_ROWS; n++) {
            out.add(blank);
        }
        return out;
    }

    private static int size(List<?> l) {
        return l == null ? 0 : l.size();
    }

    private static String at(List<String> l, int n, String fallback) {
        return l == null || n >= l.size() || blank(l.get(n)) == null
                ? fallback
                : l.get(n).strip();
    }

    /** A datetime-local value ({@code 2026-03-01T10:00}, taken as UTC) or an ISO instant; blank means now. */
    static Instant instant(String value, String what) {
        String v = blank(value);
        if (v == null) {
            return null;
        }
        try {
            return v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? java.time.OffsetDateTime.parse(v).toInstant()
                    : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " '" + v + "' is not a date and time (YYYY-MM-DDTHH:MM, UTC)");
        }
    }

    /** Null (unchanged) when the form sent back what is there already. */
    private static String changed(String value, String current) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.equals(current == null ? "" : current) ? null : v;
    }

    private static List<String> changed(List<String> value, List<String> current) {
        return value == null || value.equals(current) ? null : value;
    }

    /** Comma- or newline-separated list; null when the field was not sent. */
    private static List<String> list(String value) {
        if (value == null) {
            return null;
        }
        return java.util.Arrays.stream(value.split("[,\\n]"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
