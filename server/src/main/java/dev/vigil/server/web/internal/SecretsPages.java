package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.crypto.SecretKeyRotation;
import dev.vigil.server.web.NavEntry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /admin/secrets}: the at-rest key rotation in the browser: the current and previous key ids and the sealed
 * values per key (in all and per column), for {@code system_read}; the rotate form for {@code system_write}, which
 * needs its confirmation box ticked (no script: the server refuses an unconfirmed form) and runs the same audited
 * rotation as {@code POST /api/v1/system/secrets/rotate}.
 */
@Controller
class SecretsPages {
    private final SecretKeyRotation rotation;

    SecretsPages(SecretKeyRotation rotation) {
        this.rotation = rotation;
    }

    @GetMapping("/admin/secrets")
    @RequirePermission(Permission.SYSTEM_READ)
    String status(Model model) {
        model.addAttribute("secrets", rotation.status());
        return "admin/secrets";
    }

    @PostMapping("/admin/secrets/rotate")
    @RequirePermission(Permission.SYSTEM_WRITE)
    String rotate(@RequestParam(required = false) String confirm, RedirectAttributes flash) {
        if (!"yes".equals(confirm)) {
            throw new IllegalArgumentException(
                    "Tick the confirmation box to rotate: every node must have the new key and the old one first.");
        }
        SecretKeyRotation.Result r = rotation.rotate();
        return Flash.notice(
                flash,
                r.complete()
                        ? "Re-sealed " + r.resealed() + " value(s) with key " + r.keyId()
                                + ". Every value is under the current key: the previous keys may be removed."
                        : "Re-sealed " + r.resealed() + " value(s) with key " + r.keyId()
                                + ". Some values open with no configured key and were left as they are (see below).",
                "redirect:/admin/secrets");
    }

    @Configuration(proxyBeanMethods = false)
    static class Nav {
        @Bean
        NavEntry navSecrets() {
            return new NavEntry(NavEntry.ADMIN, "Secrets at rest", "/admin/secrets", Permission.SYSTEM_READ, 50);
        }
    }
}
