package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.security.Team;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/users} and {@code /api/v1/teams} (read: users_read; change: users_write). */
@RestController
class UserController {
    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @GetMapping("/api/v1/users")
    @RequirePermission(Permission.USERS_READ)
    Page<User> list(
            @RequestParam(required = false) String q,
            @Paging(
                            defaultSort = "username",
                            sortable = {"username", "createdAt", "lastSignInAt"})
                    PageQuery page) {
        return users.list(q, page);
    }

    @GetMapping("/api/v1/users/{id}")
    @RequirePermission(Permission.USERS_READ)
    ResponseEntity<User> get(@PathVariable UUID id) {
        return ResponseEntity.of(users.find(id));
    }

    @PostMapping("/api/v1/users")
    @RequirePermission(Permission.USERS_WRITE)
    ResponseEntity<User> create(@RequestBody UserRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(users.create(request));
    }

    @PatchMapping("/api/v1/users/{id}")
    @RequirePermission(Permission.USERS_WRITE)
    User update(@PathVariable UUID id, @RequestBody UserRequest request) {
        return users.update(id, request);
    }

    @PostMapping("/api/v1/users/{id}/unlock")
    @RequirePermission(Permission.USERS_WRITE)
    User unlock(@PathVariable UUID id) {
        return users.unlock(id);
    }

    @DeleteMapping("/api/v1/users/{id}")
    @RequirePermission(Permission.USERS_WRITE)
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return users.delete(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    record TeamRequest(String name, String description) {}

    @GetMapping("/api/v1/teams")
    @RequirePermission(Permission.USERS_READ)
    List<Team> teams() {
        return users.teams();
    }

    @GetMapping("/api/v1/teams/{id}")
    @RequirePermission(Permission.USERS_READ)
    ResponseEntity<Team> team(@PathVariable UUID id) {
        return ResponseEntity.of(users.team(id));
    }

    @PostMapping("/api/v1/teams")
    @RequirePermission(Permission.USERS_WRITE)
    ResponseEntity<Team> createTeam(@RequestBody TeamRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(users.createTeam(request.name(), request.description()));
    }

    @PutMapping("/api/v1/teams/{id}")
    @RequirePermission(Permission.USERS_WRITE)
    Team updateTeam(@PathVariable UUID id, @RequestBody TeamRequest request) {
        return users.updateTeam(id, request.name(), request.description());
    }

    @DeleteMapping("/api/v1/teams/{id}")
    @RequirePermission(Permission.USERS_WRITE)
    ResponseEntity<Void> deleteTeam(@PathVariable UUID id) {
        return users.deleteTeam(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @PutMapping("/api/v1/teams/{id}/members/{userId}")
    @RequirePermission(Permission.USERS_WRITE)
    Team addMember(@PathVariable UUID id, @PathVariable UUID userId) {
        return users.addMember(id, userId);
    }

    @DeleteMapping("/api/v1/teams/{id}/members/{userId}")
    @RequirePermission(Permission.USERS_WRITE)
    Team removeMember(@PathVariable UUID id, @PathVariable UUID userId) {
        return users.removeMember(id, userId);
    }
}
