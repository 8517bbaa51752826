package dev.vigil.server.web.internal;

import dev.vigil.server.detection.RuleSelection;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.RetroHunts;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.Actor;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /hunts}: start a retro-hunt (the active rule set, stored rules by id, or a pasted rule) over a stored time
 * range, and the recent hunts; {@code /hunts/{id}}: progress, matches per rule, the kept matches, and cancel. The same
 * jobs and rules as the {@code /api/v1/hunts} API (starting and cancelling need {@code hunts_run}; cancelling another's
 * hunt needs {@code system_write}). Log-derived values are rendered as text only.
 */
@Controller
@RequirePermission(Permission.EVENTS_READ)
class HuntPages {
    private static final int MATCHES_SHOWN = 200;
    private final RetroHunts hunts;
    private final Clock clock;

    HuntPages(RetroHunts hunts, Clock clock) {
        this.hunts = hunts;
        this.clock = clock;
    }

    @GetMapping("/hunts")
    String list(Model model) {
        model.addAttribute("hunts", hunts.recent(50));
        model.addAttribute("ranges", List.of("1h", "24h", "7d", "30d", "90d", "all"));
        return "hunts";
    }

    @PostMapping("/hunts")
    @RequirePermission(Permission.HUNTS_RUN)
    String start(
            @RequestParam(defaultValue = "active") String what,
            @RequestParam(required = false) String rules,
            @RequestParam(required = false) String yaml,
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(defaultValue = "24h") String range,
            @RequestParam(required = false) String timeField,
            RedirectAttributes flash) {
        try {
            RuleSelection selection = switch (what) {
                case "stored" ->
                    new RuleSelection.Stored(Arrays.stream(rules == null ? new String[0] : rules.split("[,\\s]+"))
                            .filter(s -> !s.isBlank())
                            .toList());
                case "uploaded" -> new RuleSelection.Uploaded(yaml);
                case "active" -> new RuleSelection.Active();
                default -> throw new IllegalArgumentException("choose the active rules, stored rules or a rule");
            };
            Instant now = clock.instant();
            Instant from = range.equals("all") ? null : now.minus(EventPages.duration(range));
            RetroHunts.Job job = hunts.start(
                    new RetroHunts.Request(
                            selection,
                            q == null || q.isBlank() ? null : q,
                            from,
                            null,
                            "received".equals(timeField) ? EventQuery.TimeField.RECEIVED : EventQuery.TimeField.EVENT),
                    Actor.current().toString());
            return "redirect:/hunts/" + job.id();
        } catch (IllegalArgumentException | IllegalStateException e) { // a rule that does not compile, a bad query
            flash.addFlashAttribute("error", e.getMessage());
            return "redirect:/hunts";
        }
    }

    @GetMapping("/hunts/{id}")
    String hunt(@PathVariable UUID id, @RequestParam(required = false) String rule, Model model) {
        RetroHunts.Job job = hunts.get(id).orElseThrow(() -> new NoSuchElementException("no hunt " + id));
        model.addAttribute("job", job);
        model.addAttribute("rule", rule);
        model.addAttribute(
                "matches", hunts.matches(id, rule == null || rule.isBlank() ? null : rule, 0, MATCHES_SHOWN));
        model.addAttribute("shown", MATCHES_SHOWN);
        model.addAttribute("percent", Math.round(job.progress() * 100));
        model.addAttribute("mayCancel", !job.finished() && hunts.mayCancel(id));
        return "hunt";
    }

    @PostMapping("/hunts/{id}/cancel")
    @RequirePermission(Permission.HUNTS_RUN)
    String cancel(@PathVariable UUID id, RedirectAttributes flash) {
        flash.addFlashAttribute("notice", hunts.cancel(id) ? "Cancelling the hunt." : "The hunt had already finished.");
        return "redirect:/hunts/" + id;
    }
}
