package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import dev.vigil.server.security.User;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/tokens}: every token (list: tokens_read; issue and revoke: tokens_write). A token is
 * {@code ingest} (optionally bound to a {@code source}), {@code metrics}, or {@code api} with {@code roles} for an
 * integration or, with {@code userId}, a user. {@code "scope": "admin"} (issue 5) means an api token with the role
 * admin. Deny by default here too: a caller only issues tokens whose permissions it holds all of and that do not outlive
 * it ({@link AccessControl#grantable}, {@link AccessControl#issuableUntil}), and only revokes such tokens.
 *
 * <p>A personal token ({@code userId}) is issued only to its own user: minting one for another person would let the
 * issuer act under that person's name (impersonation), and the audit log would attribute the issuer's acts to them.
 * An administrator revokes anyone's token (audited), but mints none for someone else; the refusal is audited too.
 * Integration tokens (no {@code userId}) are not a person's and stay with {@code tokens_write}.
 */
@RestController
@RequestMapping("/api/v1/tokens")
class ApiTokenController {
    private final ApiTokenService tokens;
    private final AccessControl access;
    private final Clock clock;

    private final AuditLog audit;

    ApiTokenController(ApiTokenService tokens, AccessControl access, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.tokens = tokens;
        this.access = access;
        this.clock = clock;
    }

    record IssueRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank String scope,
            @Size(max = 200) String source,
            Set<String> roles,
            UUID userId,
            Instant expiresAt) {}

    static final Map<String, Comparator<ApiTokenInfo>> SORT = Map.of(
            "name", Comparator.comparing(ApiTokenInfo::name),
            "createdAt", Comparator.comparing(ApiTokenInfo::createdAt),
            "lastUsedAt",
                    Comparator.comparing(ApiTokenInfo::lastUsedAt, Comparator.nullsFirst(Comparator.naturalOrder())));

    @GetMapping
    @RequirePermission(Permission.TOKENS_READ)
    Page<ApiTokenInfo> list(
            @RequestParam(required = false) String kind,
            @RequestParam(defaultValue = "false") boolean active,
            @Paging(
                            defaultSort = "createdAt",
                            sortable = {"name", "createdAt", "lastUsedAt"})
                    PageQuery page) {
        Instant now = clock.instant();
        List<ApiTokenInfo> all = tokens.list().stream()
                .filter(t -> kind == null || t.kind().equals(kind))
                .filter(t -> !active || t.activeAt(now))
                .toList();
        return Page.slice(all, page, SORT);
    }

    @GetMapping("/{id}")
    @RequirePermission(Permission.TOKENS_READ)
    ResponseEntity<ApiTokenInfo> get(@PathVariable UUID id) {
        return ResponseEntity.of(tokens.find(id));
    }

    @PostMapping
    @RequirePermission(Permission.TOKENS_WRITE)
    ResponseEntity<IssuedApiToken> issue(@Valid @RequestBody IssueRequest request) {
        IssuedApiToken issued;
        requireOwnUser(request);
        Instant expiresAt = access.limitExpiry(request.expiresAt());
        if (request.scope().strip().equalsIgnoreCase("admin")) {
            grantable(Set.of(Role.ADMIN));
            issued = tokens.issueApiToken(request.name(), request.userId(), Set.of(Role.ADMIN), expiresAt);
        } else {
            ApiScope scope = ApiScope.parse(request.scope());
            if (scope == ApiScope.API) {
                Set<Role> roles = JdbcUserService.roles(request.roles());
                grantable(roles);
                issued = tokens.issueApiToken(request.name(), request.userId(), roles, expiresAt);
            } else {
                if (!access.currentPermissions().containsAll(scope.permissions())) {
                    throw new AccessDeniedException("a token cannot be given permissions the caller lacks");
                }
                issued = tokens.issue(scope, request.name(), blankToNull(request.source()), expiresAt);
            }
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(issued);
    }

    @DeleteMapping("/{id}")
    @RequirePermission(Permission.TOKENS_WRITE)
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        ApiTokenInfo t = tokens.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no token " + id));
        if (!access.holdsAllOf(t)) {
            throw new AccessDeniedException("a token with permissions the caller lacks cannot be revoked by it");
        }
        return tokens.revoke(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** A personal token only for the caller's own user; refused (403, audited) for anyone else's. */
    private void requireOwnUser(IssueRequest request) {
        if (request.userId() == null) {
            return;
        }
        UUID me = access.currentUser().map(User::id).orElse(null);
        if (!request.userId().equals(me)) {
            String reason = "a personal token can be issued only by its own user (POST /api/v1/me/tokens): issuing one"
                    + " for another user would be impersonation; an administrator may revoke it";
            audit.record(
                    "token_issue_denied",
                    "user",
                    request.userId().toString(),
                    null,
                    java.util.Map.of("name", request.name(), "reason", reason));
            AccessRefusal.audited(); // this entry, not a second request_refused
            throw new AccessDeniedException(reason);
        }
    }

    private void grantable(Set<Role> roles) {
        if (!access.grantable(roles).equals(roles)) {
            throw new AccessDeniedException("a token cannot be given roles with permissions the caller lacks");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
