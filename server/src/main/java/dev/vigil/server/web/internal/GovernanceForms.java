package dev.vigil.server.web.internal;

import dev.vigil.server.governance.ChecklistEntryRequest;
import dev.vigil.server.governance.ContactPointRequest;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.ExerciseRequest;
import dev.vigil.server.governance.FindingRequest;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.governance.RaciRequest;
import dev.vigil.server.governance.TrainingRequest;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The editing forms of the governance pages (POST, CSRF-protected like every form, {@code governance:write} only):
 * processes, their documentation and reviews, RACI, contact points, training, exercises and their findings, and managed
 * checklist entries. The service audits every change; invalid input comes back as a notice and changes nothing.
 */
@Controller
@RequirePermission(Permission.GOVERNANCE_WRITE)
class GovernanceForms {
    private final GovernanceService governance;
    private final DetectionChecklist checklist;
    private final dev.vigil.server.governance.ExerciseReplays replays;

    GovernanceForms(
            GovernanceService governance,
            DetectionChecklist checklist,
            dev.vigil.server.governance.ExerciseReplays replays) {
        this.governance = governance;
        this.checklist = checklist;
        this.replays = replays;
    }

    private static String apply(RedirectAttributes flash, String target, String done, Supplier<?> action) {
        try {
            action.get();
            flash.addFlashAttribute("notice", done);
        } catch (IllegalArgumentException | IllegalStateException | NoSuchElementException e) {
            flash.addFlashAttribute("notice", "Not saved: " + e.getMessage());
        }
        return "redirect:" + target;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<String> list(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split("[,\\n]"))
                .map(String::strip)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    private static Instant day(LocalDate d) {
        return d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @PostMapping("/governance/processes")
    String createProcess(
            @RequestParam String key,
            @RequestParam String title,
            @RequestParam String kind,
            @RequestParam String owner,
            @RequestParam(required = false) String escalationPath,
            @RequestParam(required = false) Integer reviewIntervalDays,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#processes",
                "Process created.",
                () -> governance.createProcess(
                        new ProcessRequest(key, title, kind, owner, blank(escalationPath), reviewIntervalDays)));
    }

    @PostMapping("/governance/processes/{key}")
    String updateProcess(
            @PathVariable String key,
            @RequestParam(required = false) String title,
            @RequestParam(required = false) String owner,
            @RequestParam(required = false) String escalationPath,
            @RequestParam(required = false) Integer reviewIntervalDays,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/processes/" + GovernanceForms.path(key),
                "Process saved.",
                () -> governance.updateProcess(
                        key,
                        new ProcessRequest(
                                null, blank(title), null, blank(owner), blank(escalationPath), reviewIntervalDays)));
    }

    @PostMapping("/governance/processes/{key}/document")
    String publish(
            @PathVariable String key,
            @RequestParam String markdown,
            @RequestParam(required = false) String summary,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/processes/" + path(key),
                "New documentation version published.",
                () -> governance.publishDocument(key, markdown, blank(summary)));
    }

    @PostMapping("/governance/processes/{key}/review")
    String review(
            @PathVariable String key,
            @RequestParam(required = false) LocalDate reviewedOn,
            @RequestParam(required = false) String notes,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/processes/" + path(key),
                "Review recorded.",
                () -> governance.recordReview(key, day(reviewedOn), blank(notes)));
    }

    @PostMapping("/governance/raci")
    String raci(
            @RequestParam String incidentType,
            @RequestParam String activity,
            @RequestParam(required = false) String responsible,
            @RequestParam String accountable,
            @RequestParam(required = false) String consulted,
            @RequestParam(required = false) String informed,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#raci",
                "RACI assignment saved.",
                () -> governance.putRaci(new RaciRequest(
                        incidentType, activity, list(responsible), accountable, list(consulted), list(informed))));
    }

    @PostMapping("/governance/raci/delete")
    String deleteRaci(@RequestParam String incidentType, @RequestParam String activity, RedirectAttributes flash) {
        return apply(flash, "/governance#raci", "RACI assignment removed.", () -> {
            if (!governance.deleteRaci(incidentType, activity)) {
                throw new NoSuchElementException("no such assignment");
            }
            return null;
        });
    }

    @PostMapping("/governance/contact-points")
    String contactPoint(
            @RequestParam String name,
            @RequestParam String kind,
            @RequestParam String value,
            @RequestParam(required = false) String description,
            @RequestParam(defaultValue = "false") boolean singlePoint,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#contact-points",
                "Contact point published.",
                () -> governance.createContactPoint(
                        new ContactPointRequest(name, kind, value, blank(description), singlePoint)));
    }

    @PostMapping("/governance/contact-points/{id}/delete")
    String deleteContactPoint(@PathVariable UUID id, RedirectAttributes flash) {
        return apply(flash, "/governance#contact-points", "Contact point removed.", () -> {
            if (!governance.deleteContactPoint(id)) {
                throw new NoSuchElementException("no such contact point");
            }
            return null;
        });
    }

    @PostMapping("/governance/training")
    String training(
            @RequestParam String person,
            @RequestParam String processKey,
            @RequestParam String course,
            @RequestParam(required = false) LocalDate completedOn,
            @RequestParam(required = false) Integer validForDays,
            @RequestParam(required = false) String evidence,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#training",
                "Training recorded.",
                () -> governance.recordTraining(new TrainingRequest(
                        person, processKey, course, day(completedOn), null, validForDays, blank(evidence))));
    }

    @PostMapping("/governance/exercises")
    String exercise(
            @RequestParam String title,
            @RequestParam String kind,
            @RequestParam(required = false) String processKey,
            @RequestParam(required = false) String scenario,
            @RequestParam LocalDate heldOn,
            @RequestParam(required = false) String participants,
            @RequestParam(required = false) String summary,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#exercises",
                "Exercise recorded.",
                () -> governance.recordExercise(new ExerciseRequest(
                        title,
                        kind,
                        blank(processKey),
                        blank(scenario),
                        day(heldOn),
                        list(participants),
                        blank(summary))));
    }

    @PostMapping("/governance/exercises/{id}/findings")
    String finding(
            @PathVariable UUID id,
            @RequestParam String finding,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String owner,
            @RequestParam(required = false) LocalDate dueDate,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance#exercises",
                "Finding added.",
                () -> governance.addFinding(id, new FindingRequest(finding, blank(action), blank(owner), dueDate)));
    }

    @PostMapping("/governance/exercises/{id}/expectations")
    String expectations(
            @PathVariable UUID id,
            @RequestParam(required = false) String expected,
            @RequestParam(required = false) String pageOnCall,
            @RequestParam(required = false) String owner,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/exercises/" + id,
                "Expected detections saved.",
                () -> replays.setExpectations(id, list(expected), pageOnCall != null, blank(owner)));
    }

    @PostMapping("/governance/exercises/{id}/replay")
    String replay(
            @PathVariable UUID id,
            @RequestParam String kind,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) String query,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/exercises/" + id,
                "Replay started.",
                () -> replays.start(
                        id,
                        new dev.vigil.server.governance.ExerciseReplays.ReplayRequest(
                                kind, instant(from), instant(to), blank(source), blank(query), null, null)));
    }

    @PostMapping("/governance/exercises/{id}/replay/cancel")
    String cancelReplay(@PathVariable UUID id, RedirectAttributes flash) {
        return apply(flash, "/governance/exercises/" + id, "Replay cancelled.", () -> replays.cancel(id));
    }

    /** A {@code datetime-local} value (UTC) or an ISO-8601 instant. */
    private static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return s.strip().endsWith("Z")
                    ? Instant.parse(s.strip())
                    : java.time.LocalDateTime.parse(s.strip()).toInstant(ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a date and time: " + s);
        }
    }

    @PostMapping("/governance/findings/{id}/close")
    String closeFinding(@PathVariable UUID id, @RequestParam String resolution, RedirectAttributes flash) {
        return apply(flash, "/governance#exercises", "Finding closed.", () -> governance.closeFinding(id, resolution));
    }

    @PostMapping("/governance/checklist/entries")
    String checklistEntry(
            @RequestParam(required = false) String technique,
            @RequestParam String tactic,
            @RequestParam String title,
            @RequestParam(required = false) String description,
            @RequestParam String source,
            @RequestParam(required = false) String sourceRef,
            @RequestParam(required = false) String owner,
            @RequestParam(required = false) LocalDate reviewDue,
            @RequestParam(required = false) String requiredSources,
            RedirectAttributes flash) {
        return apply(
                flash,
                "/governance/checklist#entries",
                "Checklist entry saved.",
                () -> checklist.createEntry(new ChecklistEntryRequest(
                        blank(technique),
                        tactic,
                        title,
                        blank(description),
                        source,
                        blank(sourceRef),
                        blank(owner),
                        reviewDue,
                        list(requiredSources))));
    }

    /** A process key as a path segment (keys are validated slugs; anything else is encoded). */
    static String path(String key) {
        return java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8);
    }
}
