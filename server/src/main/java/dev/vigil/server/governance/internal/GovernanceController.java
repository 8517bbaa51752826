package dev.vigil.server.governance.internal;

import dev.vigil.server.governance.ContactPoint;
import dev.vigil.server.governance.ContactPointRequest;
import dev.vigil.server.governance.Exercise;
import dev.vigil.server.governance.ExerciseRequest;
import dev.vigil.server.governance.FindingRequest;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.IncidentReport;
import dev.vigil.server.governance.IncidentReportRequest;
import dev.vigil.server.governance.ProcessDocument;
import dev.vigil.server.governance.ProcessHistory;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.governance.ProcessReview;
import dev.vigil.server.governance.RaciAssignment;
import dev.vigil.server.governance.RaciRequest;
import dev.vigil.server.governance.TrainingRecord;
import dev.vigil.server.governance.TrainingRequest;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/governance/...}: processes and their documentation (readable by every role: {@code governance_read}),
 * RACI, contact points, training, exercises ({@code governance_write} to change). Any signed-in user may file an
 * incident report ({@code POST /api/v1/governance/reports}); reading reports needs {@code incidents_read}.
 */
@RestController
@RequestMapping("/api/v1/governance")
@RequirePermission(Permission.GOVERNANCE_READ)
class GovernanceController {
    private final GovernanceService governance;
    private final dev.vigil.server.governance.ExerciseReplays replays;

    GovernanceController(GovernanceService governance, dev.vigil.server.governance.ExerciseReplays replays) {
        this.governance = governance;
        this.replays = replays;
    }

    // processes

    @GetMapping("/processes")
    List<GovernedProcess> processes() {
        return governance.processes();
    }

    @PostMapping("/processes")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<GovernedProcess> createProcess(@RequestBody ProcessRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.createProcess(request));
    }

    @GetMapping("/processes/{key}")
    GovernedProcess process(@PathVariable String key) {
        return governance.process(key).orElseThrow(() -> new NoSuchElementException("no process '" + key + "'"));
    }

    @PutMapping("/processes/{key}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    GovernedProcess updateProcess(@PathVariable String key, @RequestBody ProcessRequest request) {
        return governance.updateProcess(key, request);
    }

    record DocumentRequest(String markdown, String summary) {}

    @GetMapping("/processes/{key}/documents")
    List<ProcessDocument> documents(@PathVariable String key) {
        return governance.documents(key);
    }

    @PostMapping("/processes/{key}/documents")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<ProcessDocument> publish(@PathVariable String key, @RequestBody DocumentRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(governance.publishDocument(key, request.markdown(), request.summary()));
    }

    @GetMapping("/processes/{key}/documents/{version}")
    ProcessDocument document(@PathVariable String key, @PathVariable int version) {
        return governance
                .document(key, version)
                .orElseThrow(() -> new NoSuchElementException("no version " + version + " of process '" + key + "'"));
    }

    /** The latest documentation as Markdown text. */
    @GetMapping(value = "/processes/{key}/document.md", produces = "text/markdown;charset=UTF-8")
    ResponseEntity<String> markdown(@PathVariable String key) {
        ProcessDocument d = governance
                .document(key, null)
                .orElseThrow(() -> new NoSuchElementException("process '" + key + "' has no documentation"));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8"))
                .header("X-Content-Type-Options", "nosniff")
                .body(d.markdown());
    }

    record ReviewRequest(Instant reviewedAt, String notes) {}

    @GetMapping("/processes/{key}/reviews")
    List<ProcessReview> reviews(@PathVariable String key) {
        return governance.reviews(key);
    }

    @PostMapping("/processes/{key}/reviews")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<ProcessReview> review(@PathVariable String key, @RequestBody ReviewRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(governance.recordReview(key, request.reviewedAt(), request.notes()));
    }

    @GetMapping("/processes/{key}/history")
    ProcessHistory history(@PathVariable String key) {
        return governance.history(key);
    }

    // RACI

    @GetMapping("/raci")
    List<RaciAssignment> raci() {
        return governance.raci();
    }

    @PutMapping("/raci")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    RaciAssignment putRaci(@RequestBody RaciRequest request) {
        return governance.putRaci(request);
    }

    @DeleteMapping("/raci/{incidentType}/{activity}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Void> deleteRaci(@PathVariable String incidentType, @PathVariable String activity) {
        return governance.deleteRaci(incidentType, activity)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    // contact points and reports

    @GetMapping("/contact-points")
    List<ContactPoint> contactPoints() {
        return governance.contactPoints();
    }

    @PostMapping("/contact-points")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<ContactPoint> createContactPoint(@RequestBody ContactPointRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.createContactPoint(request));
    }

    @PutMapping("/contact-points/{id}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ContactPoint updateContactPoint(@PathVariable UUID id, @RequestBody ContactPointRequest request) {
        return governance.updateContactPoint(id, request);
    }

    @DeleteMapping("/contact-points/{id}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Void> deleteContactPoint(@PathVariable UUID id) {
        return governance.deleteContactPoint(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @PostMapping("/reports")
    @RequirePermission(Permission.SELF)
    ResponseEntity<IncidentReport> report(@RequestBody IncidentReportRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.report(request));
    }

    @GetMapping("/reports")
    @RequirePermission(Permission.INCIDENTS_READ)
    List<IncidentReport> reports(@RequestParam(defaultValue = "100") int limit) {
        return governance.reports(limit);
    }

    // training

    /** Newest first ({@code sort=completedAt,asc}: oldest), paged by {@code page} or {@code cursor} (max 500). */
    @GetMapping("/training")
    dev.vigil.server.platform.api.Page<TrainingRecord> training(
            @RequestParam(required = false) String process,
            @dev.vigil.server.platform.api.Paging(
                            defaultSize = 100,
                            maxSize = 500,
                            defaultSort = "completedAt,desc",
                            sortable = "completedAt",
                            cursor = true)
                    dev.vigil.server.platform.api.PageQuery page) {
        return governance.training(process, page);
    }

    @PostMapping("/training")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<TrainingRecord> recordTraining(@RequestBody TrainingRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.recordTraining(request));
    }

    @DeleteMapping("/training/{id}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Void> deleteTraining(@PathVariable UUID id) {
        return governance.deleteTraining(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    // exercises

    @GetMapping("/exercises")
    List<Exercise> exercises() {
        return governance.exercises();
    }

    @PostMapping("/exercises")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Exercise> recordExercise(@RequestBody ExerciseRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.recordExercise(request));
    }

    @GetMapping("/exercises/{id}")
    Exercise exercise(@PathVariable UUID id) {
        return governance.exercise(id).orElseThrow(() -> new NoSuchElementException("no exercise " + id));
    }

    @PostMapping("/exercises/{id}/findings")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Exercise> addFinding(@PathVariable UUID id, @RequestBody FindingRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(governance.addFinding(id, request));
    }

    record CloseRequest(String resolution) {}

    @PostMapping("/findings/{id}/close")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    Exercise closeFinding(@PathVariable UUID id, @RequestBody CloseRequest request) {
        return governance.closeFinding(id, request.resolution());
    }

    // replay exercises

    record ExpectationsRequest(List<String> expected, Boolean pageOnCall, String owner) {}

    @GetMapping("/exercises/{id}/expectations")
    dev.vigil.server.governance.ExerciseReplays.Expectations expectations(@PathVariable UUID id) {
        return replays.expectations(id);
    }

    @PutMapping("/exercises/{id}/expectations")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    dev.vigil.server.governance.ExerciseReplays.Expectations setExpectations(
            @PathVariable UUID id, @RequestBody ExpectationsRequest request) {
        return replays.setExpectations(
                id, request.expected(), Boolean.TRUE.equals(request.pageOnCall()), request.owner());
    }

    /** The exercise's replay runs, newest first ({@code sort=startedAt,asc}: oldest first), by offset or cursor. */
    @GetMapping("/exercises/{id}/replays")
    dev.vigil.server.platform.api.Page<dev.vigil.server.governance.ExerciseReplays.Replay> replays(
            @PathVariable UUID id,
            @dev.vigil.server.platform.api.Paging(
                            defaultSize = 50,
                            maxSize = 500,
                            defaultSort = "startedAt,desc",
                            sortable = "startedAt",
                            cursor = true)
                    dev.vigil.server.platform.api.PageQuery page) {
        exercise(id);
        return replays.replays(id, page);
    }

    @PostMapping("/exercises/{id}/replay")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<dev.vigil.server.governance.ExerciseReplays.Replay> replay(
            @PathVariable UUID id, @RequestBody dev.vigil.server.governance.ExerciseReplays.ReplayRequest request) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(replays.start(id, request));
    }

    @PostMapping("/exercises/{id}/replay/cancel")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    dev.vigil.server.governance.ExerciseReplays.Replay cancelReplay(@PathVariable UUID id) {
        return replays.cancel(id);
    }

    @GetMapping("/replays/{replayId}")
    dev.vigil.server.governance.ExerciseReplays.Replay replayRun(@PathVariable UUID replayId) {
        return replays.replay(replayId).orElseThrow(() -> new NoSuchElementException("no replay " + replayId));
    }
}
