package dev.vigil.server.assessment.internal;

import dev.vigil.server.assessment.Assessment;
import dev.vigil.server.assessment.AssessmentService;
import dev.vigil.server.assessment.QuestionResult;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
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
 * {@code /api/v1/assessment}: the live SAMM IM self-assessment (JSON), snapshots (history), assessor overrides and
 * exports ({@code export.md}, {@code export.pdf}, {@code export.json}; {@code ?snapshot=ID} for a stored one).
 */
@RestController
@RequestMapping("/api/v1/assessment")
@RequirePermission(Permission.GOVERNANCE_READ)
class AssessmentController {
    private final AssessmentService assessments;
    private final Clock clock;

    AssessmentController(AssessmentService assessments, Clock clock) {
        this.assessments = assessments;
        this.clock = clock;
    }

    @GetMapping
    Assessment current() {
        return assessments.compute(clock.instant());
    }

    @PostMapping("/snapshots")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Assessment> snapshot() {
        return ResponseEntity.status(HttpStatus.CREATED).body(assessments.snapshot());
    }

    @GetMapping("/snapshots")
    List<Assessment> history() {
        return assessments.history();
    }

    @GetMapping("/snapshots/{id}")
    Assessment snapshot(@PathVariable UUID id) {
        return assessments.get(id).orElseThrow(() -> new NoSuchElementException("no snapshot " + id));
    }

    record OverrideRequest(Integer answer, String justification) {}

    @PutMapping("/overrides/{questionId}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    QuestionResult.Override override(@PathVariable String questionId, @RequestBody OverrideRequest request) {
        if (request.answer() == null) {
            throw new IllegalArgumentException("answer is required (0 No .. 3 most or all)");
        }
        return assessments.override(questionId, request.answer(), request.justification());
    }

    @DeleteMapping("/overrides/{questionId}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Void> clear(@PathVariable String questionId) {
        return assessments.clearOverride(questionId)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    private Assessment pick(UUID snapshot) {
        return snapshot == null
                ? assessments.compute(clock.instant())
                : assessments.get(snapshot).orElseThrow(() -> new NoSuchElementException("no snapshot " + snapshot));
    }

    @GetMapping(value = "/export.md", produces = "text/markdown;charset=UTF-8")
    ResponseEntity<byte[]> markdown(@RequestParam(required = false) UUID snapshot) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"samm-im-assessment.md\"")
                .body(assessments.markdown(pick(snapshot)).getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping(value = "/export.pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    ResponseEntity<byte[]> pdf(@RequestParam(required = false) UUID snapshot) {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"samm-im-assessment.pdf\"")
                .body(assessments.pdf(pick(snapshot)));
    }

    @GetMapping(value = "/export.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Assessment> json(@RequestParam(required = false) UUID snapshot) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"samm-im-assessment.json\"")
                .body(pick(snapshot));
    }
}
