package dev.vigil.server.governance.internal;

import dev.vigil.server.governance.Checklist;
import dev.vigil.server.governance.ChecklistEntry;
import dev.vigil.server.governance.ChecklistEntryRequest;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.LogDefect;
import dev.vigil.server.governance.RuleHealth;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
 * {@code /api/v1/governance/checklist}, {@code .../defects} and {@code .../rule-health}: the detection checklist with
 * its heatmap and ATT&amp;CK Navigator layer, missing-log defects, rule health and rule reviews.
 */
@RestController
@RequestMapping("/api/v1/governance")
@RequirePermission(Permission.GOVERNANCE_READ)
class ChecklistController {
    private final DetectionChecklist checklist;
    private final Clock clock;

    ChecklistController(DetectionChecklist checklist, Clock clock) {
        this.checklist = checklist;
        this.clock = clock;
    }

    @GetMapping("/checklist")
    Checklist checklist() {
        return checklist.checklist(clock.instant());
    }

    @PostMapping("/checklist/entries")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<ChecklistEntry> create(@RequestBody ChecklistEntryRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(checklist.createEntry(request));
    }

    @PutMapping("/checklist/entries/{id}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ChecklistEntry update(@PathVariable UUID id, @RequestBody ChecklistEntryRequest request) {
        return checklist.updateEntry(id, request);
    }

    @DeleteMapping("/checklist/entries/{id}")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return checklist.deleteEntry(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    record EntryReview(LocalDate nextDue) {}

    @PostMapping("/checklist/entries/{id}/review")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ChecklistEntry review(@PathVariable UUID id, @RequestBody(required = false) EntryReview request) {
        return checklist.reviewEntry(id, request == null ? null : request.nextDue());
    }

    /** The ATT&CK Navigator layer file (import it in the Navigator: "Open Existing Layer" → "Upload from local"). */
    @GetMapping("/checklist/navigator-layer")
    ResponseEntity<Map<String, Object>> layer() {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"vigil-attack-layer.json\"")
                .body(checklist.navigatorLayer(clock.instant()));
    }

    /** Newest first ({@code sort=openedAt,asc}: oldest), paged by {@code page} or {@code cursor} (max 500). */
    @GetMapping("/defects")
    dev.vigil.server.platform.api.Page<LogDefect> defects(
            @RequestParam(required = false) String status,
            @dev.vigil.server.platform.api.Paging(
                            defaultSize = 100,
                            maxSize = 500,
                            defaultSort = "openedAt,desc",
                            sortable = "openedAt",
                            cursor = true)
                    dev.vigil.server.platform.api.PageQuery page) {
        return checklist.defects(status, page);
    }

    @PostMapping("/defects/scan")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    List<LogDefect> scan() {
        return checklist.scanLogDefects(clock.instant());
    }

    record Resolution(String resolution) {}

    @PostMapping("/defects/{id}/resolve")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    LogDefect resolve(@PathVariable UUID id, @RequestBody Resolution request) {
        return checklist.resolveDefect(id, request.resolution());
    }

    @GetMapping("/rule-health")
    List<RuleHealth> ruleHealth(@RequestParam(defaultValue = "false") boolean noisy) {
        List<RuleHealth> all = checklist.ruleHealth(clock.instant());
        return noisy ? all.stream().filter(RuleHealth::noisy).toList() : all;
    }

    record RuleReview(String verdict, String notes) {}

    @PostMapping("/rule-health/{ref}/review")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    RuleHealth reviewRule(@PathVariable String ref, @RequestBody RuleReview request) {
        return checklist.reviewRule(ref, request.verdict(), request.notes());
    }
}
