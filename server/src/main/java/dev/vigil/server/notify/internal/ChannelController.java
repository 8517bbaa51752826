package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.Delivery;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/notify}: channels (contact points) and deliveries. Secrets are write-only; chat webhook URLs are
 * shown masked.
 */
@RequirePermission(Permission.ONCALL_READ)
@RestController
@RequestMapping("/api/v1/notify")
class ChannelController {
    private final ChannelService channels;
    private final Deliveries deliveries;

    ChannelController(ChannelService channels, Deliveries deliveries) {
        this.channels = channels;
        this.deliveries = deliveries;
    }

    @GetMapping("/channel-types")
    Set<String> types() {
        return channels.types();
    }

    @GetMapping("/channels")
    List<Channel> list(@RequestParam(required = false) UUID user) {
        return channels.list(user);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/channels")
    @ResponseStatus(HttpStatus.CREATED)
    Channel create(@RequestBody ChannelRequest request) {
        return channels.create(request);
    }

    @GetMapping("/channels/{id}")
    ResponseEntity<Channel> get(@PathVariable UUID id) {
        return ResponseEntity.of(channels.get(id));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/channels/{id}")
    ResponseEntity<Channel> update(@PathVariable UUID id, @RequestBody ChannelRequest request) {
        try {
            return ResponseEntity.ok(channels.update(id, request));
        } catch (NoSuchElementException e) {
            return ResponseEntity.notFound().build();
        }
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/channels/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return channels.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/deliveries/{id}")
    ResponseEntity<Delivery> delivery(@PathVariable UUID id) {
        return ResponseEntity.of(deliveries.get(id));
    }

    @GetMapping("/deliveries")
    Map<String, List<Delivery>> byCorrelation(@RequestParam String correlation) {
        return Map.of("items", deliveries.byCorrelation(correlation));
    }
}
