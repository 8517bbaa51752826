package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserService;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/me}: who am I and what may I do; my personal tokens (any signed-in user or role token). A personal
 * token carries some or all of its user's roles and never more than the user has at the time of use. A signed-in
 * session manages all of its user's tokens; a personal token only lists, issues and revokes tokens whose permissions
 * it holds all of, and issues none that outlives itself ({@link AccessControl#mayManageOwn},
 * {@link AccessControl#grantable}, {@link AccessControl#issuableUntil}). Issuing and revoking are audited.
 */
@RestController
@RequestMapping("/api/v1/me")
@RequirePermission(Permission.SELF)
class MeController {
    private final AccessControl access;
    private final ApiTokenService tokens;
    private final UserService users;

    MeController(AccessControl access, ApiTokenService tokens, UserService users) {
        this.access = access;
        this.tokens = tokens;
        this.users = users;
    }

    record Me(String name, String kind, User user, Set<Permission> permissions) {}

    @GetMapping
    Me me() {
        User user = access.currentUser().orElse(null);
        String kind = ApiPrincipal.current().map(p -> "token").orElse("user");
        String name = user != null
                ? user.username()
                : ApiPrincipal.current().map(ApiPrincipal::name).orElse("?");
        return new Me(name, kind, user, access.currentPermissions());
    }

    record TokenRequest(String name, Set<String> roles, Instant expiresAt) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    private UUID userId() {
        return access.currentUser()
                .map(User::id)
                .orElseThrow(() -> new IllegalArgumentException("only users have personal tokens and passwords"));
    }

    @GetMapping("/tokens")
    List<ApiTokenInfo> myTokens() {
        return tokens.listForUser(userId()).stream()
                .filter(access::mayManageOwn)
                .toList();
    }

    @PostMapping("/tokens")
    ResponseEntity<IssuedApiToken> issue(@RequestBody TokenRequest request) {
        UUID me = userId();
        // Never more than the caller itself may do: a personal token limited to fewer roles than its user gets
        // at most its own roles, not the user's.
        Set<Role> roles;
        if (request.roles() == null || request.roles().isEmpty()) {
            roles = access.grantable(access.currentUser().orElseThrow().roles());
        } else {
            roles = JdbcUserService.roles(request.roles());
            if (!access.grantable(roles).equals(roles)) {
                throw new AccessDeniedException("a token cannot be given roles with permissions the caller lacks");
            }
        }
        Instant expiresAt = access.limitExpiry(request.expiresAt());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(tokens.issueApiToken(request.name(), me, roles, expiresAt));
    }

    @DeleteMapping("/tokens/{id}")
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        UUID me = userId();
        ApiTokenInfo t = tokens.find(id)
                .filter(x -> me.equals(x.userId()))
                .orElseThrow(() -> new NoSuchElementException("no token " + id + " of yours"));
        if (!access.mayManageOwn(t)) {
            throw new AccessDeniedException("a token cannot revoke a token with permissions it does not hold itself;"
                    + " sign in, or use a token that holds them");
        }
        return tokens.revoke(t.id())
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @PostMapping("/password")
    ResponseEntity<Void> changePassword(@RequestBody PasswordChange change) {
        users.changePassword(userId(), change.currentPassword(), change.newPassword());
        return ResponseEntity.noContent().build();
    }
}
