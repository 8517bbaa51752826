package dev.vigil.server.web.internal;

import dev.vigil.server.detection.DetectionRule;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.ingest.LogSources;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /rules}, {@code /sources}, {@code /applications}: the detection configuration. */
@Controller
class DetectionPages {
    private final RuleService rules;
    private final LogSources sources;
    private final SourceActivity activity;
    private final InventoryService inventory;
    private final Clock clock;

    DetectionPages(
            RuleService rules, LogSources sources, SourceActivity activity, InventoryService inventory, Clock clock) {
        this.rules = rules;
        this.sources = sources;
        this.activity = activity;
        this.inventory = inventory;
        this.clock = clock;
    }

    @GetMapping("/rules")
    @RequirePermission(Permission.RULES_READ)
    String rules(@RequestParam(required = false) String q, @RequestParam(required = false) String state, Model model) {
        String needle = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
        List<DetectionRule> list = rules.list().stream()
                .filter(r -> needle == null
                        || r.title().toLowerCase(Locale.ROOT).contains(needle)
                        || r.ref().toLowerCase(Locale.ROOT).contains(needle)
                        || r.tags().contains(needle))
                .filter(r -> state == null
                        || state.isBlank()
                        || (state.equals("active") && r.active())
                        || (state.equals("disabled") && !r.enabled())
                        || (state.equals("refused") && r.enabled() && !r.active()))
                .sorted(Comparator.comparing(DetectionRule::title, String.CASE_INSENSITIVE_ORDER))
                .toList();
        model.addAttribute("rules", list);
        model.addAttribute("status", rules.status());
        model.addAttribute("q", q);
        model.addAttribute("state", state);
        return "rules";
    }

    @PostMapping("/rules/{ref}/enabled")
    @RequirePermission(Permission.RULES_WRITE)
    String setEnabled(@PathVariable String ref, @RequestParam boolean enabled, RedirectAttributes flash) {
        if (!rules.setEnabled(ref, enabled)) {
            throw new NoSuchElementException("no rule " + ref);
        }
        flash.addFlashAttribute("notice", "Rule " + ref + (enabled ? " enabled." : " disabled."));
        return "redirect:/rules";
    }

    @GetMapping("/sources")
    @RequirePermission(Permission.SOURCES_READ)
    String sources(Model model) {
        model.addAttribute("sources", sources.list());
        model.addAttribute("activity", activity);
        return "sources";
    }

    @GetMapping("/applications")
    @RequirePermission(Permission.APPLICATIONS_READ)
    String applications(Model model) {
        model.addAttribute(
                "applications",
                inventory.list().stream()
                        .map(a -> inventory.coverage(a.name(), clock.instant()).orElse(null))
                        .filter(java.util.Objects::nonNull)
                        .toList());
        return "applications";
    }
}
