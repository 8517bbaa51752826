package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.web.NavEntry;
import dev.vigil.server.webhooks.WebhookSubscription;
import dev.vigil.server.webhooks.Webhooks;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
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
 * {@code /admin/webhooks}: subscriptions (a new secret is shown once, through a flash attribute), enable/disable,
 * test ping, secret rotation, deletion, and each subscription's delivery log with redelivery of failed deliveries.
 */
@Controller
@RequirePermission(Permission.WEBHOOKS_READ)
class WebhookPages {
    private final Webhooks webhooks;

    WebhookPages(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Configuration(proxyBeanMethods = false)
    static class Nav {
        @Bean
        NavEntry navWebhooks() {
            return new NavEntry(NavEntry.ADMIN, "Webhooks", "/admin/webhooks", Permission.WEBHOOKS_READ, 40);
        }
    }

    @GetMapping("/admin/webhooks")
    String list(Model model) {
        model.addAttribute("webhooks", webhooks.list());
        return "admin/webhooks";
    }

    @GetMapping("/admin/webhooks/{id}")
    String detail(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page, Model model) {
        WebhookSubscription s = webhooks.find(id).orElseThrow(() -> new NoSuchElementException("no webhook " + id));
        model.addAttribute("webhook", s);
        model.addAttribute(
                "deliveries",
                webhooks.deliveries(id, PageQuery.of(Math.max(0, page), 50, PageQuery.Sort.parse("createdAt,desc"))));
        return "admin/webhook";
    }

    @PostMapping("/admin/webhooks")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String create(
            @RequestParam String name,
            @RequestParam String url,
            @RequestParam String eventTypes,
            @RequestParam(defaultValue = "false") boolean includeExercises,
            RedirectAttributes flash) {
        Webhooks.Created c = webhooks.create(name, url, types(eventTypes), null, includeExercises);
        flash.addFlashAttribute("secret", c.secret());
        return Flash.notice(
                flash,
                "Webhook " + c.subscription().name() + " created.",
                "redirect:/admin/webhooks/" + c.subscription().id());
    }

    @PostMapping("/admin/webhooks/{id}")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String update(
            @PathVariable UUID id,
            @RequestParam(required = false) String url,
            @RequestParam(required = false) String eventTypes,
            @RequestParam(required = false) Boolean enabled,
            @RequestParam(required = false) Boolean includeExercises,
            RedirectAttributes flash) {
        WebhookSubscription s = webhooks.update(
                id,
                null,
                url == null || url.isBlank() ? null : url,
                eventTypes == null || eventTypes.isBlank() ? null : types(eventTypes),
                enabled,
                includeExercises);
        return Flash.notice(flash, "Webhook " + s.name() + " updated.", "redirect:/admin/webhooks/" + id);
    }

    @PostMapping("/admin/webhooks/{id}/test")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String test(@PathVariable UUID id, RedirectAttributes flash) {
        webhooks.sendTest(id);
        flash.addFlashAttribute("notice", "Test event sent; its delivery appears below.");
        return "redirect:/admin/webhooks/" + id;
    }

    @PostMapping("/admin/webhooks/{id}/secret")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String rotate(@PathVariable UUID id, RedirectAttributes flash) {
        flash.addFlashAttribute("secret", webhooks.rotateSecret(id));
        flash.addFlashAttribute("notice", "New secret issued; the old one no longer signs.");
        return "redirect:/admin/webhooks/" + id;
    }

    @PostMapping("/admin/webhooks/{id}/delete")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String delete(@PathVariable UUID id, RedirectAttributes flash) {
        return Flash.notice(
                flash, webhooks.delete(id) ? "Webhook deleted." : "No such webhook.", "redirect:/admin/webhooks");
    }

    @PostMapping("/admin/webhooks/{id}/deliveries/{delivery}/redeliver")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    String redeliver(@PathVariable UUID id, @PathVariable UUID delivery, RedirectAttributes flash) {
        return Flash.notice(
                flash,
                webhooks.redeliver(id, delivery) ? "Delivery scheduled again." : "Only failed deliveries are retried.",
                "redirect:/admin/webhooks/" + id);
    }

    /** "alert.raised, rule.*" or one per line. */
    private static List<String> types(String text) {
        return Arrays.stream(text.split("[,\\s]+")).filter(t -> !t.isBlank()).toList();
    }
}
