package dev.vigil.server.webhooks.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.webhooks.WebhookDelivery;
import dev.vigil.server.webhooks.WebhookSubscription;
import dev.vigil.server.webhooks.Webhooks;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/webhooks}: subscriptions (read: webhooks_read; change: webhooks_write), their delivery log, a test
 * ping and secret rotation. A secret is shown once, when created or rotated. {@code includeExercises} (default false)
 * lets events of replay exercises through.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
@RequirePermission(Permission.WEBHOOKS_READ)
class WebhookController {
    private final Webhooks webhooks;

    WebhookController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    record Request(
            String name,
            String url,
            List<String> eventTypes,
            String secret,
            Boolean enabled,
            Boolean includeExercises) {}

    @GetMapping
    Page<WebhookSubscription> list(
            @Paging(
                            defaultSort = "name",
                            sortable = {"name", "createdAt"})
                    PageQuery page) {
        return Page.slice(
                webhooks.list(),
                page,
                Map.of(
                        "name", Comparator.comparing(WebhookSubscription::name),
                        "createdAt", Comparator.comparing(WebhookSubscription::createdAt)));
    }

    @GetMapping("/{id}")
    ResponseEntity<WebhookSubscription> get(@PathVariable UUID id) {
        return ResponseEntity.of(webhooks.find(id));
    }

    @PostMapping
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    ResponseEntity<Webhooks.Created> create(@RequestBody Request r) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(webhooks.create(
                        r.name(), r.url(), r.eventTypes(), r.secret(), Boolean.TRUE.equals(r.includeExercises())));
    }

    @PatchMapping("/{id}")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    WebhookSubscription update(@PathVariable UUID id, @RequestBody Request r) {
        return webhooks.update(id, r.name(), r.url(), r.eventTypes(), r.enabled(), r.includeExercises());
    }

    @DeleteMapping("/{id}")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return webhooks.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @PostMapping("/{id}/secret")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    Map<String, String> rotate(@PathVariable UUID id) {
        return Map.of("secret", webhooks.rotateSecret(id));
    }

    @PostMapping("/{id}/test")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    ResponseEntity<Map<String, String>> test(@PathVariable UUID id) {
        return ResponseEntity.accepted()
                .body(Map.of("event", webhooks.sendTest(id).toString()));
    }

    @PostMapping("/{id}/deliveries/{delivery}/redeliver")
    @RequirePermission(Permission.WEBHOOKS_WRITE)
    ResponseEntity<Map<String, String>> redeliver(@PathVariable UUID id, @PathVariable UUID delivery) {
        if (!webhooks.redeliver(id, delivery)) {
            throw new IllegalStateException("only a failed delivery of this webhook can be delivered again");
        }
        return ResponseEntity.accepted().body(Map.of("delivery", delivery.toString()));
    }

    @GetMapping("/{id}/deliveries")
    Page<WebhookDelivery> deliveries(@PathVariable UUID id, @Paging(defaultSize = 50) PageQuery page) {
        webhooks.find(id).orElseThrow(() -> new NoSuchElementException("no webhook " + id));
        return webhooks.deliveries(id, page);
    }
}
