package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.Channel;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.notify.Deliveries;
import dev.vigil.server.notify.Delivery;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.security.AccessControl;
import java.util.List;
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
 * shown masked. Shared channels (no {@code userId}) need {@code oncall_write}; a user's personal channel (their e-mail,
 * their chat) may be created, changed or deleted only by that user or an administrator ({@code users_write}), so that
 * nobody can redirect or silence another person's pages. Every change is audited.
 */
@RequirePermission(Permission.ONCALL_READ)
@RestController
@RequestMapping("/api/v1/notify")
class ChannelController {
    private final ChannelService channels;
    private final Deliveries deliveries;

    private final AccessControl access;

    ChannelController(ChannelService channels, Deliveries deliveries, AccessControl access) {
        this.channels = channels;
        this.deliveries = deliveries;
        this.access = access;
    }

    /** A personal channel is its user's: only they or an administrator change it. */
    private void requireOwner(UUID userId) {
        if (userId != null) {
            access.requireSelfOr(userId, Permission.USERS_WRITE, "another user's notification channel");
        }
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
        requireOwner(request.userId());
        return channels.create(request);
    }

    @GetMapping("/channels/{id}")
    ResponseEntity<Channel> get(@PathVariable UUID id) {
        return ResponseEntity.of(channels.get(id));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PutMapping("/channels/{id}")
    ResponseEntity<Channel> update(@PathVariable UUID id, @RequestBody ChannelRequest request) {
        Channel current = channels.get(id).orElse(null);
        if (current == null) {
            return ResponseEntity.notFound().build();
        }
        requireOwner(current.userId());
        requireOwner(request.userId()); // nor hand a channel to someone else
        try {
            return ResponseEntity.ok(channels.update(id, request));
        } catch (NoSuchElementException e) {
            return ResponseEntity.notFound().build();
        }
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @DeleteMapping("/channels/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        channels.get(id).ifPresent(c -> requireOwner(c.userId()));
        return channels.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/deliveries/{id}")
    ResponseEntity<Delivery> delivery(@PathVariable UUID id) {
        return ResponseEntity.of(deliveries.get(id));
    }

    /**
     * Deliveries with their attempts, oldest first ({@code sort=createdAt,desc}: newest first), optionally only those
     * of one correlation ({@code page:<page id>}, {@code check:<run id>}), channel, recipient or status; paged by
     * {@code page} or by {@code cursor}.
     */
    @GetMapping("/deliveries")
    Page<Delivery> deliveries(
            @RequestParam(required = false) String correlation,
            @RequestParam(required = false) UUID channel,
            @RequestParam(required = false) UUID recipient,
            @RequestParam(required = false) String status,
            @Paging(
                            defaultSize = 50,
                            maxSize = 500,
                            defaultSort = "createdAt,asc",
                            sortable = "createdAt",
                            cursor = true)
                    PageQuery page) {
        return deliveries.search(new Deliveries.Filter(correlation, channel, recipient, status), page);
    }
}
