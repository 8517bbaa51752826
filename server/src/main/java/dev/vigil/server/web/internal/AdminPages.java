package dev.vigil.server.web.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Users, teams and tokens ({@code /admin/...}), and one's own account ({@code /account}). A newly issued token is
 * shown once, through a flash attribute, and never again.
 */
@Controller
class AdminPages {
    private final UserService users;
    private final ApiTokenService tokens;
    private final AccessControl access;
    private final Clock clock;

    AdminPages(UserService users, ApiTokenService tokens, AccessControl access, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.access = access;
        this.clock = clock;
    }

    @GetMapping("/admin/users")
    @RequirePermission(Permission.USERS_READ)
    String users(@RequestParam(required = false) String q, Model model) {
        model.addAttribute("users", users.list(q, PageQuery.of(0, 500, new PageQuery.Sort("username", false))));
        model.addAttribute("teams", users.teams());
        model.addAttribute("roles", Role.values());
        model.addAttribute("now", clock.instant());
        model.addAttribute("q", q);
        return "admin/users";
    }

    @PostMapping("/admin/users")
    @RequirePermission(Permission.USERS_WRITE)
    String createUser(
            @RequestParam String username,
            @RequestParam(required = false) String displayName,
            @RequestParam(required = false) String email,
            @RequestParam(required = false) List<String> roles,
            @RequestParam String password,
            RedirectAttributes flash) {
        User u = users.create(new UserRequest(username, displayName, email, roleSet(roles), true, password));
        return Flash.notice(flash, "User " + u.username() + " created.", "redirect:/admin/users");
    }

    @PostMapping("/admin/users/{id}")
    @RequirePermission(Permission.USERS_WRITE)
    String updateUser(
            @PathVariable UUID id,
            @RequestParam(required = false) List<String> roles,
            @RequestParam(required = false) Boolean enabled,
            @RequestParam(required = false) String password,
            RedirectAttributes flash) {
        User u = users.update(
                id,
                new UserRequest(
                        null,
                        null,
                        null,
                        roles == null ? null : roleSet(roles),
                        enabled,
                        password == null || password.isBlank() ? null : password));
        return Flash.notice(flash, "User " + u.username() + " updated.", "redirect:/admin/users");
    }

    @PostMapping("/admin/users/{id}/unlock")
    @RequirePermission(Permission.USERS_WRITE)
    String unlock(@PathVariable UUID id, RedirectAttributes flash) {
        return Flash.notice(flash, "User " + users.unlock(id).username() + " unlocked.", "redirect:/admin/users");
    }

    @PostMapping("/admin/teams")
    @RequirePermission(Permission.USERS_WRITE)
    String createTeam(
            @RequestParam String name, @RequestParam(required = false) String description, RedirectAttributes flash) {
        return Flash.notice(
                flash, "Team " + users.createTeam(name, description).name() + " created.", "redirect:/admin/users");
    }

    @PostMapping("/admin/teams/{id}/members")
    @RequirePermission(Permission.USERS_WRITE)
    String addMember(@PathVariable UUID id, @RequestParam String username, RedirectAttributes flash) {
        User u = users.findByUsername(username)
                .orElseThrow(() -> new IllegalArgumentException("no user named " + username));
        return Flash.notice(
                flash, u.username() + " added to " + users.addMember(id, u.id()).name() + ".", "redirect:/admin/users");
    }

    @GetMapping("/admin/tokens")
    @RequirePermission(Permission.TOKENS_READ)
    String tokens(Model model) {
        model.addAttribute("tokens", tokens.list().reversed());
        model.addAttribute("roles", Role.values());
        model.addAttribute("now", clock.instant());
        return "admin/tokens";
    }

    @PostMapping("/admin/tokens")
    @RequirePermission(Permission.TOKENS_WRITE)
    String issue(
            @RequestParam String name,
            @RequestParam String scope,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) List<String> roles,
            @RequestParam(required = false) Integer days,
            RedirectAttributes flash) {
        Instant expires = access.limitExpiry(
                days == null || days <= 0 ? null : clock.instant().plus(Duration.ofDays(days)));
        ApiScope s = ApiScope.parse(scope);
        Set<Role> granted = roles(roles);
        if (s == ApiScope.API
                ? !access.grantable(granted).equals(granted)
                : !access.currentPermissions().containsAll(s.permissions())) {
            throw new AccessDeniedException("a token cannot be given permissions the caller lacks");
        }
        IssuedApiToken t = s == ApiScope.API
                ? tokens.issueApiToken(name, null, granted, expires)
                : tokens.issue(s, name, source == null || source.isBlank() ? null : source.strip(), expires);
        flash.addFlashAttribute("issued", t);
        return "redirect:/admin/tokens";
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    @RequirePermission(Permission.TOKENS_WRITE)
    String revoke(@PathVariable UUID id, RedirectAttributes flash) {
        if (!access.holdsAllOf(
                tokens.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no token " + id)))) {
            throw new AccessDeniedException("a token with permissions the caller lacks cannot be revoked by it");
        }
        return Flash.notice(
                flash, tokens.revoke(id) ? "Token revoked." : "The token was not active.", "redirect:/admin/tokens");
    }

    // ---- one's own account

    @GetMapping("/account")
    @RequirePermission(Permission.SELF)
    String account(Model model) {
        User me = access.currentUser().orElse(null);
        model.addAttribute("me", me);
        model.addAttribute("permissions", access.currentPermissions());
        model.addAttribute(
                "tokens",
                me == null
                        ? List.of()
                        : tokens.listForUser(me.id()).stream()
                                .filter(access::mayManageOwn)
                                .toList());
        model.addAttribute("now", clock.instant());
        return "account";
    }

    @PostMapping("/account/password")
    @RequirePermission(Permission.SELF)
    String changePassword(
            @RequestParam String currentPassword, @RequestParam String newPassword, RedirectAttributes flash) {
        User me = access.currentUser().orElseThrow(() -> new IllegalArgumentException("not a user"));
        users.changePassword(me.id(), currentPassword, newPassword);
        return Flash.notice(flash, "Password changed.", "redirect:/account");
    }

    @PostMapping("/account/tokens")
    @RequirePermission(Permission.SELF)
    String issueOwn(@RequestParam String name, @RequestParam(required = false) Integer days, RedirectAttributes flash) {
        User me = access.currentUser().orElseThrow(() -> new IllegalArgumentException("not a user"));
        Instant expires = access.limitExpiry(
                days == null || days <= 0 ? null : clock.instant().plus(Duration.ofDays(days)));
        flash.addFlashAttribute("issued", tokens.issueApiToken(name, me.id(), access.grantable(me.roles()), expires));
        return "redirect:/account";
    }

    @PostMapping("/account/tokens/{id}/revoke")
    @RequirePermission(Permission.SELF)
    String revokeOwn(@PathVariable UUID id, RedirectAttributes flash) {
        User me = access.currentUser().orElseThrow(() -> new IllegalArgumentException("not a user"));
        ApiTokenInfo t = tokens.find(id)
                .filter(x -> me.id().equals(x.userId()))
                .orElseThrow(() -> new java.util.NoSuchElementException("no token of yours"));
        if (!access.mayManageOwn(t)) {
            throw new AccessDeniedException("a token cannot revoke a token with permissions it does not hold itself");
        }
        tokens.revoke(id);
        return Flash.notice(flash, "Token revoked.", "redirect:/account");
    }

    private static Set<Role> roles(List<String> roles) {
        java.util.EnumSet<Role> set = java.util.EnumSet.noneOf(Role.class);
        if (roles != null) {
            roles.forEach(r -> set.add(Role.parse(r)));
        }
        return set;
    }

    private static Set<String> roleSet(List<String> roles) {
        return roles == null ? Set.of() : new HashSet<>(roles);
    }
}
