package dev.vigil.server.web.internal;

import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.IntegrityService;
import dev.vigil.server.events.Verification;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.Actor;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /events/integrity}: the event store's chain head, partitions (damaged ones flagged) and the kept integrity
 * verifications with their findings (batch, id and time ranges); {@code governance_write} starts one.
 */
@Controller
class IntegrityPages {
    private final IntegrityService integrity;
    private final EventStore store;

    IntegrityPages(IntegrityService integrity, EventStore store) {
        this.integrity = integrity;
        this.store = store;
    }

    @GetMapping("/events/integrity")
    @RequirePermission(Permission.GOVERNANCE_READ)
    String overview(Model model) {
        model.addAttribute("status", store.status());
        model.addAttribute("verifications", integrity.recent(30));
        return "integrity";
    }

    @GetMapping("/events/integrity/{id}")
    @RequirePermission(Permission.GOVERNANCE_READ)
    String verification(@PathVariable UUID id, Model model) {
        Verification v = integrity.get(id).orElseThrow(() -> new NoSuchElementException("no verification " + id));
        model.addAttribute("v", v);
        return "verification";
    }

    @PostMapping("/events/integrity")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    String verify(RedirectAttributes flash) {
        Verification v = integrity.start(null, null, "api", Actor.current().toString());
        flash.addFlashAttribute("notice", "Verification started; refresh to see its outcome.");
        return "redirect:/events/integrity/" + v.id();
    }
}
