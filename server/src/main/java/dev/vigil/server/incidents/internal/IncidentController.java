package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentLink;
import dev.vigil.server.incidents.IncidentObligation;
import dev.vigil.server.incidents.IncidentQuery;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.NewTimelineEntry;
import dev.vigil.server.incidents.Observable;
import dev.vigil.server.incidents.Participant;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.incidents.ReportService;
import dev.vigil.server.incidents.Submission;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/incidents}: the incident record, its life cycle, alerts, links, observables, war room (timeline,
 * participants), tasks, playbooks, notification obligations and deadlines, RCA and the report. {@code {ref}} is the
 * incident's id or its reference ({@code INC-42}). Reads need {@code incidents_read}, changes {@code incidents_write}.
 */
@RequirePermission(Permission.INCIDENTS_READ)
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentController {
    private final DefaultIncidentService incidents;
    private final TimelineService timeline;
    private final DefaultTaskService tasks;
    private final PlaybookService playbooks;
    private final DefaultObligationService obligations;
    private final RcaService rca;
    private final ReportService reports;
    private final Clock clock;

    IncidentController(
            DefaultIncidentService incidents,
            TimelineService timeline,
            DefaultTaskService tasks,
            PlaybookService playbooks,
            DefaultObligationService obligations,
            RcaService rca,
            ReportService reports,
            Clock clock) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.tasks = tasks;
        this.playbooks = playbooks;
        this.obligations = obligations;
        this.rca = rca;
        this.reports = reports;
        this.clock = clock;
    }

    private UUID id(String ref) {
        return incidents
                .find(ref)
                .map(Incident::id)
                .orElseThrow(() -> new NoSuchElementException("no incident " + ref));
    }

    /**
     * The list. {@code exercise}: {@code exclude} (production incidents only, the default), {@code only} (incidents
     * opened by replay exercises) or {@code all}; anything else is a 400.
     */
    @GetMapping
    Page<Incident> list(
            @RequestParam(required = false) Boolean open,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) Integer priority,
            @RequestParam(name = "class", required = false) String classKey,
            @RequestParam(required = false) String team,
            @RequestParam(required = false) String lead,
            @RequestParam(required = false) String application,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String deadline,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String exercise,
            @Paging(
                            defaultSort = "createdAt,desc",
                            sortable = {"createdAt", "updatedAt", "number", "priority", "severity", "lastAlertAt"})
                    PageQuery page) {
        if (deadline != null
                && !List.of("pending", "at_risk", "overdue", "waiting").contains(deadline)) {
            throw new IllegalArgumentException("deadline must be pending, at_risk, overdue or waiting");
        }
        IncidentQuery query = new IncidentQuery(
                open,
                Texts.blank(status) == null ? null : IncidentStatus.parse(status),
                Texts.blank(severity) == null ? null : IncidentSeverity.parse(severity),
                priority,
                Texts.blank(classKey),
                Texts.blank(team),
                Texts.blank(lead),
                Texts.blank(application),
                Texts.blank(q),
                Texts.blank(deadline),
                from,
                to,
                AlertQuery.Exercises.requested(exercise, null));
        return incidents.find(query, page).withExercisesHidden(incidents.exercisesHidden(query));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping
    ResponseEntity<Incident> create(@RequestBody NewIncident request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(incidents.create(request));
    }

    /** Promotes an alert to an incident of its own: {@code {"alertId": "..."}}. */
    record Promote(UUID alertId) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/promote")
    ResponseEntity<Incident> promote(@RequestBody Promote request) {
        if (request.alertId() == null) {
            throw new IllegalArgumentException("alertId is required");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(incidents.promote(request.alertId()));
    }

    /** Open notification deadlines due within {@code within} (ISO or 72h/7d; default 7 days), soonest first. */
    @GetMapping("/deadlines")
    List<DeadlineStage> deadlines(
            @RequestParam(defaultValue = "7d") String within, @RequestParam(defaultValue = "100") int limit) {
        return obligations.upcoming(clock.instant().plus(Offset.duration(within)), limit);
    }

    @GetMapping("/stats/open-by-severity")
    Map<String, Long> openBySeverity() {
        return incidents.openBySeverity();
    }

    /**
     * Per-incident facts for metrics (governance): incidents created in [from, to), default the last 90 days, oldest
     * first ({@code sort=createdAt,desc}: newest first), paged by offset or cursor. Production incidents only unless
     * {@code exercise} is {@code only} or {@code all}; {@code exercisesHidden} says how many exercise incidents of the
     * range the page leaves out.
     */
    @GetMapping("/facts")
    Page<IncidentFacts> facts(
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String exercise,
            @Paging(
                            defaultSize = 100,
                            maxSize = 500,
                            defaultSort = "createdAt,asc",
                            sortable = "createdAt",
                            cursor = true)
                    PageQuery page) {
        Instant t = to == null ? clock.instant() : to;
        Instant f = from == null ? t.minus(Duration.ofDays(90)) : from;
        if (Duration.between(f, t).toDays() > 3660) {
            throw new IllegalArgumentException("at most ten years at a time");
        }
        return incidents.facts(f, t, AlertQuery.Exercises.requested(exercise, null), page);
    }

    @GetMapping("/{ref}")
    Incident get(@PathVariable String ref) {
        return incidents.get(id(ref)).orElseThrow();
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PatchMapping("/{ref}")
    Incident update(@PathVariable String ref, @RequestBody IncidentUpdate update) {
        return incidents.update(id(ref), update);
    }

    record StatusChange(IncidentStatus status, String note) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/status")
    Incident status(@PathVariable String ref, @RequestBody StatusChange change) {
        if (change.status() == null) {
            throw new IllegalArgumentException("status is required");
        }
        return incidents.transition(id(ref), change.status(), change.note());
    }

    @GetMapping("/{ref}/closure-blockers")
    List<String> blockers(@PathVariable String ref) {
        return incidents.closureBlockers(id(ref));
    }

    /**
     * The listed alerts (duplicates are counted on them), oldest first ({@code sort=addedAt,desc}: newest first),
     * {@code size} up to 500 (default 100); page on with {@code cursor} (the answer's {@code nextCursor}: stable
     * while alerts keep arriving) or {@code page}.
     */
    @GetMapping("/{ref}/alerts")
    Page<IncidentAlert> alerts(
            @PathVariable String ref,
            @Paging(defaultSize = 100, maxSize = 500, defaultSort = "addedAt,asc", sortable = "addedAt", cursor = true)
                    PageQuery page) {
        return incidents.alerts(id(ref), page);
    }

    record Merge(String source, String note) {}

    /** Merges {@code source} into this incident. */
    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/merge")
    Incident merge(@PathVariable String ref, @RequestBody Merge merge) {
        if (merge.source() == null) {
            throw new IllegalArgumentException("source is required");
        }
        return incidents.merge(id(ref), id(merge.source()), merge.note());
    }

    record Link(String incident, String note) {}

    @GetMapping("/{ref}/links")
    List<IncidentLink> links(@PathVariable String ref) {
        return incidents.links(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/links")
    ResponseEntity<Void> link(@PathVariable String ref, @RequestBody Link link) {
        if (link.incident() == null) {
            throw new IllegalArgumentException("incident is required");
        }
        incidents.link(id(ref), id(link.incident()), link.note());
        return ResponseEntity.noContent().build();
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @DeleteMapping("/{ref}/links/{other}")
    ResponseEntity<Void> unlink(@PathVariable String ref, @PathVariable String other) {
        incidents.unlink(id(ref), id(other));
        return ResponseEntity.noContent().build();
    }

    record Split(List<UUID> alerts, String title) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/split")
    ResponseEntity<Incident> split(@PathVariable String ref, @RequestBody Split split) {
        return ResponseEntity.status(HttpStatus.CREATED).body(incidents.split(id(ref), split.alerts(), split.title()));
    }

    // --- observables and participants

    record NewObservable(String kind, String value, String description, boolean ioc) {}

    /** Oldest first ({@code sort=createdAt,desc}: newest), {@code size} up to 500; page on by cursor or page. */
    @GetMapping("/{ref}/observables")
    Page<Observable> observables(
            @PathVariable String ref,
            @Paging(
                            defaultSize = 100,
                            maxSize = 500,
                            defaultSort = "createdAt,asc",
                            sortable = "createdAt",
                            cursor = true)
                    PageQuery page) {
        return incidents.observables(id(ref), page);
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/observables")
    ResponseEntity<Observable> addObservable(@PathVariable String ref, @RequestBody NewObservable o) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(incidents.addObservable(id(ref), o.kind(), o.value(), o.description(), o.ioc()));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @DeleteMapping("/{ref}/observables/{observable}")
    ResponseEntity<Void> removeObservable(@PathVariable String ref, @PathVariable UUID observable) {
        return incidents.removeObservable(id(ref), observable)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/{ref}/participants")
    List<Participant> participants(@PathVariable String ref) {
        return incidents.participants(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/participants")
    ResponseEntity<Participant> addParticipant(@PathVariable String ref, @RequestBody Participant p) {
        return ResponseEntity.status(HttpStatus.CREATED).body(incidents.addParticipant(id(ref), p));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @DeleteMapping("/{ref}/participants/{name}")
    ResponseEntity<Void> removeParticipant(@PathVariable String ref, @PathVariable String name) {
        return incidents.removeParticipant(id(ref), name)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    // --- timeline

    /**
     * The war-room timeline in time order ({@code sort=at,desc}: newest first), {@code size} up to 500 (default 100);
     * page on with {@code cursor} (the answer's {@code nextCursor}) or {@code page}. The whole timeline: the CSV
     * export.
     */
    @GetMapping("/{ref}/timeline")
    Page<TimelineEntry> timeline(
            @PathVariable String ref,
            @Paging(defaultSize = 100, maxSize = 500, defaultSort = "at,asc", sortable = "at", cursor = true)
                    PageQuery page) {
        return timeline.page(id(ref), page);
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/timeline")
    ResponseEntity<TimelineEntry> addEntry(@PathVariable String ref, @RequestBody NewTimelineEntry entry) {
        return ResponseEntity.status(HttpStatus.CREATED).body(timeline.add(id(ref), entry));
    }

    @GetMapping(value = "/{ref}/timeline.csv", produces = "text/csv")
    ResponseEntity<String> exportTimeline(@PathVariable String ref) {
        UUID id = id(ref);
        StringWriter out = new StringWriter();
        timeline.exportCsv(id, out);
        return ResponseEntity.ok()
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(incidents.get(id).orElseThrow().reference() + "-timeline.csv")
                                .build()
                                .toString())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(out.toString());
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping(value = "/{ref}/timeline.csv", consumes = "text/csv")
    ResponseEntity<TimelineService.ImportResult> importTimeline(@PathVariable String ref, @RequestBody byte[] csv) {
        if (csv.length > 10 * 1024 * 1024) {
            throw new IllegalArgumentException("a timeline import is limited to 10 MB");
        }
        TimelineService.ImportResult r = timeline.importCsv(
                id(ref), new InputStreamReader(new java.io.ByteArrayInputStream(csv), StandardCharsets.UTF_8));
        return r.errors().isEmpty()
                ? ResponseEntity.ok(r)
                : ResponseEntity.unprocessableEntity().body(r);
    }

    // --- tasks and playbooks

    record NewTask(
            String title, String instructions, String ownerRole, String assignee, boolean mandatory, Instant dueAt) {}

    record TaskNote(String note, String assignee) {}

    @GetMapping("/{ref}/tasks")
    List<IncidentTask> tasks(@PathVariable String ref) {
        return tasks.list(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/tasks")
    ResponseEntity<IncidentTask> addTask(@PathVariable String ref, @RequestBody NewTask t) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(tasks.add(
                        id(ref), t.title(), t.instructions(), t.ownerRole(), t.assignee(), t.mandatory(), t.dueAt()));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/tasks/{task}/complete")
    IncidentTask complete(
            @PathVariable String ref, @PathVariable UUID task, @RequestBody(required = false) TaskNote n) {
        return tasks.complete(id(ref), task, n == null ? null : n.note());
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/tasks/{task}/skip")
    IncidentTask skip(@PathVariable String ref, @PathVariable UUID task, @RequestBody(required = false) TaskNote n) {
        return tasks.skip(id(ref), task, n == null ? null : n.note());
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/tasks/{task}/reopen")
    IncidentTask reopen(@PathVariable String ref, @PathVariable UUID task) {
        return tasks.reopen(id(ref), task);
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/tasks/{task}/assign")
    IncidentTask assign(@PathVariable String ref, @PathVariable UUID task, @RequestBody TaskNote n) {
        return tasks.assign(id(ref), task, n.assignee());
    }

    record ApplyPlaybook(String key) {}

    @GetMapping("/{ref}/playbooks")
    List<PlaybookService.AppliedPlaybook> appliedPlaybooks(@PathVariable String ref) {
        return playbooks.applied(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/playbooks")
    ResponseEntity<List<IncidentTask>> applyPlaybook(@PathVariable String ref, @RequestBody ApplyPlaybook p) {
        if (p.key() == null) {
            throw new IllegalArgumentException("key is required");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(playbooks.apply(id(ref), p.key()));
    }

    // --- obligations and deadlines

    record Attach(String template, String reason) {}

    record Reason(String reason) {}

    @GetMapping("/{ref}/obligations")
    List<IncidentObligation> obligations(@PathVariable String ref) {
        return obligations.forIncident(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/obligations")
    ResponseEntity<IncidentObligation> attach(@PathVariable String ref, @RequestBody Attach a) {
        if (a.template() == null) {
            throw new IllegalArgumentException("template is required");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(obligations.attach(id(ref), a.template(), a.reason()));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/obligations/{obligation}/not-required")
    IncidentObligation notRequired(@PathVariable String ref, @PathVariable UUID obligation, @RequestBody Reason r) {
        return obligations.markNotRequired(id(ref), obligation, r.reason());
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/deadlines/{stage}/submission")
    DeadlineStage submit(@PathVariable String ref, @PathVariable UUID stage, @RequestBody Submission s) {
        return obligations.submit(id(ref), stage, s);
    }

    // --- RCA

    @GetMapping("/{ref}/rca")
    ResponseEntity<Rca> rca(@PathVariable String ref) {
        return ResponseEntity.of(rca.get(id(ref)));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PutMapping("/{ref}/rca")
    Rca saveRca(@PathVariable String ref, @RequestBody RcaService.Draft draft) {
        return rca.save(id(ref), draft);
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/rca/complete")
    Rca completeRca(@PathVariable String ref) {
        return rca.complete(id(ref));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/{ref}/rca/waive")
    Rca waiveRca(@PathVariable String ref, @RequestBody Reason r) {
        return rca.waive(id(ref), r.reason());
    }

    // --- report

    @GetMapping(value = "/{ref}/report.md", produces = "text/markdown")
    ResponseEntity<String> markdown(@PathVariable String ref) {
        UUID id = id(ref);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "markdown", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition(id, "md"))
                .body(reports.markdown(id));
    }

    @GetMapping(value = "/{ref}/report.pdf", produces = "application/pdf")
    ResponseEntity<byte[]> pdf(@PathVariable String ref) {
        UUID id = id(ref);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition(id, "pdf"))
                .body(reports.pdf(id));
    }

    private String disposition(UUID id, String ext) {
        return ContentDisposition.attachment()
                .filename(incidents.get(id).orElseThrow().reference() + "-report." + ext)
                .build()
                .toString();
    }
}
