package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import java.time.Instant;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /audit}: browse the audit log, export it, see and run the chain verification (auditors and admins). */
@Controller
@RequirePermission(Permission.AUDIT_READ)
class AuditPages {
    private final AuditLog audit;

    AuditPages(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/audit")
    String audit(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String objectType,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        AuditQuery query = new AuditQuery(blank(actor), blank(action), blank(objectType), null, blank(q), from, to);
        model.addAttribute(
                "result",
                audit.find(
                        query,
                        new PageQuery(Math.max(0, page), 50, java.util.List.of(new PageQuery.Sort("seq", true)))));
        model.addAttribute("actor", blank(actor));
        model.addAttribute("action", blank(action));
        model.addAttribute("objectType", blank(objectType));
        model.addAttribute("q", blank(q));
        model.addAttribute("verification", audit.lastVerification());
        return "audit";
    }

    @PostMapping("/audit/verify")
    String verify(RedirectAttributes flash) {
        var v = audit.verify();
        flash.addFlashAttribute(
                "notice",
                v.intact()
                        ? "The audit chain is intact (" + v.entries() + " entries)."
                        : "TAMPERING DETECTED: " + v.problem());
        return "redirect:/audit";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
