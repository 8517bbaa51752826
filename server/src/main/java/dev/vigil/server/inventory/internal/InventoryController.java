package dev.vigil.server.inventory.internal;

import dev.vigil.server.inventory.Application;
import dev.vigil.server.inventory.ApplicationRequest;
import dev.vigil.server.inventory.Coverage;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/applications} (admin): the inventory, per-application coverage, and the flagged applications
 * ({@code GET /api/v1/applications/flagged}).
 */
@RequirePermission(Permission.APPLICATIONS_READ)
@RestController
@RequestMapping("/api/v1/applications")
class InventoryController {
    private final InventoryService inventory;
    private final Clock clock;

    InventoryController(InventoryService inventory, Clock clock) {
        this.inventory = inventory;
        this.clock = clock;
    }

    @GetMapping
    Page<Application> list(
            @Paging(
                            defaultSize = 100,
                            defaultSort = "name",
                            sortable = {"name", "owner", "criticality"})
                    PageQuery page) {
        return Page.slice(
                inventory.list(),
                page,
                java.util.Map.of(
                        "name", java.util.Comparator.comparing(Application::name),
                        "owner", java.util.Comparator.comparing(Application::owner),
                        "criticality", java.util.Comparator.comparing(Application::criticality)));
    }

    @RequirePermission(Permission.APPLICATIONS_WRITE)
    @PostMapping
    ResponseEntity<Application> create(@RequestBody ApplicationRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(inventory.create(request));
    }

    @GetMapping("/flagged")
    List<Coverage> flagged() {
        return inventory.flagged(clock.instant());
    }

    @GetMapping("/{name}")
    ResponseEntity<Application> get(@PathVariable String name) {
        return ResponseEntity.of(inventory.get(name));
    }

    @RequirePermission(Permission.APPLICATIONS_WRITE)
    @PutMapping("/{name}")
    ResponseEntity<Application> update(@PathVariable String name, @RequestBody ApplicationRequest request) {
        return ResponseEntity.of(inventory.update(name, request));
    }

    @RequirePermission(Permission.APPLICATIONS_WRITE)
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        return inventory.delete(name)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/{name}/coverage")
    ResponseEntity<Coverage> coverage(@PathVariable String name) {
        return ResponseEntity.of(inventory.coverage(name, clock.instant()));
    }
}
