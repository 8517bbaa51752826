package dev.vigil.server.web.internal;

import dev.vigil.server.assessment.AssessmentService;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.GovernedProcess;
import dev.vigil.server.governance.IncidentReportRequest;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.web.NavEntry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.NoSuchElementException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /governance} (processes, contact points with the incident report form, RACI, training, exercises),
 * {@code /governance/processes/{key}} (the documentation, readable by every user, and its history),
 * {@code /governance/checklist} (coverage heatmap, entries, missing-log defects) and {@code /assessment} (the SAMM IM
 * self-assessment with its evidence links).
 */
@Controller
@RequirePermission(Permission.GOVERNANCE_READ)
class GovernancePages {
    private final GovernanceService governance;
    private final DetectionChecklist checklist;
    private final AssessmentService assessments;
    private final Clock clock;
    private final dev.vigil.server.security.AccessControl access;
    private final dev.vigil.server.governance.ExerciseReplays replays;

    private boolean canEdit() {
        return access.currentPermissions().contains(Permission.GOVERNANCE_WRITE);
    }

    GovernancePages(
            GovernanceService governance,
            DetectionChecklist checklist,
            AssessmentService assessments,
            Clock clock,
            dev.vigil.server.security.AccessControl access,
            dev.vigil.server.governance.ExerciseReplays replays) {
        this.access = access;
        this.replays = replays;
        this.governance = governance;
        this.checklist = checklist;
        this.assessments = assessments;
        this.clock = clock;
    }

    @GetMapping("/governance")
    String overview(Model model) {
        model.addAttribute("processes", governance.processes());
        model.addAttribute("contactPoints", governance.contactPoints());
        model.addAttribute("raci", governance.raci());
        model.addAttribute("training", governance.training(null));
        model.addAttribute("exercises", governance.exercises());
        model.addAttribute("canEdit", canEdit());
        model.addAttribute("now", clock.instant());
        return "governance";
    }

    /** How many replay runs the exercise page lists at a time (then an "older" link, by cursor). */
    static final int REPLAYS_SIZE = 50;

    @GetMapping("/governance/exercises/{id}")
    String exercise(@PathVariable java.util.UUID id, @RequestParam(required = false) String replaysAfter, Model model) {
        var e = governance.exercise(id).orElseThrow(() -> new NoSuchElementException("no exercise " + id));
        var newestFirst = java.util.List.of(new dev.vigil.server.platform.api.PageQuery.Sort("startedAt", true));
        var runs = replays.replays(
                id, new dev.vigil.server.platform.api.PageQuery(0, REPLAYS_SIZE, newestFirst, replaysAfter));
        var latest = replaysAfter == null
                ? runs.items().stream().findFirst()
                : replays.replays(id, new dev.vigil.server.platform.api.PageQuery(0, 1, newestFirst)).items().stream()
                        .findFirst();
        model.addAttribute("exercise", e);
        model.addAttribute("expectations", replays.expectations(id));
        model.addAttribute("replays", runs.items());
        model.addAttribute("replayPage", runs);
        model.addAttribute("replaysAfter", replaysAfter);
        model.addAttribute("latest", latest.orElse(null));
        model.addAttribute("active", replays.active(id).isPresent());
        model.addAttribute("exerciseSourcePrefix", dev.vigil.server.normalize.ExerciseTag.PREFIX + id + ".");
        model.addAttribute("canEdit", canEdit());
        model.addAttribute("now", clock.instant());
        return "governance-exercise";
    }

    @GetMapping("/governance/processes/{key}")
    String process(@PathVariable String key, @RequestParam(required = false) Integer version, Model model) {
        GovernedProcess p =
                governance.process(key).orElseThrow(() -> new NoSuchElementException("no process '" + key + "'"));
        model.addAttribute("process", p);
        model.addAttribute("now", clock.instant());
        var doc = governance.document(key, version);
        model.addAttribute("document", doc.orElse(null));
        model.addAttribute(
                "blocks", doc.map(d -> MarkdownBlocks.render(d.markdown())).orElse(java.util.List.of()));
        model.addAttribute("history", governance.history(key).changes());
        model.addAttribute("canEdit", canEdit());
        return "governance-process";
    }

    @GetMapping("/governance/checklist")
    String checklist(Model model) {
        model.addAttribute("checklist", checklist.checklist(clock.instant()));
        model.addAttribute("defects", checklist.defects(null));
        model.addAttribute(
                "noisyRules",
                checklist.ruleHealth(clock.instant()).stream()
                        .filter(dev.vigil.server.governance.RuleHealth::noisy)
                        .toList());
        model.addAttribute("today", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        model.addAttribute("canEdit", canEdit());
        return "governance-checklist";
    }

    @PostMapping("/governance/report")
    @RequirePermission(Permission.SELF)
    String report(
            @RequestParam String title,
            @RequestParam String description,
            @RequestParam(defaultValue = "medium") String severity,
            @RequestParam(required = false) String contact,
            RedirectAttributes flash) {
        try {
            var r = governance.report(new IncidentReportRequest(title, description, severity, null, null, contact));
            flash.addFlashAttribute("notice", "Thank you: your report was filed (" + r.id() + ") and raised an alert.");
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("notice", "The report was not filed: " + e.getMessage());
        }
        return "redirect:/governance#report";
    }

    @GetMapping("/assessment")
    String assessment(Model model) {
        model.addAttribute("assessment", assessments.compute(clock.instant()));
        model.addAttribute("history", assessments.history());
        return "assessment";
    }

    @Configuration(proxyBeanMethods = false)
    static class Navigation {
        @Bean
        NavEntry navGovernance() {
            return new NavEntry(NavEntry.GOVERN, "Governance", "/governance", Permission.GOVERNANCE_READ, 10);
        }

        @Bean
        NavEntry navAssessment() {
            return new NavEntry(NavEntry.GOVERN, "Assessment", "/assessment", Permission.GOVERNANCE_READ, 20);
        }
    }
}
