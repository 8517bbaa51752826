package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.AccessControl;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.User;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Computes what an authentication may do, fresh on every request: ingest and metrics tokens their scope's fixed
 * permissions; api tokens their roles' (a personal token additionally limited to its user's current roles); browser
 * sessions their user's current roles. Disabled or deleted users may do nothing.
 */
@Component("accessControl")
class CurrentAccess implements AccessControl {
    private final JdbcUserService users;
    private final JdbcApiTokenService tokens;

    CurrentAccess(JdbcUserService users, JdbcApiTokenService tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    Set<Permission> permissions(Authentication auth) {
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return Set.of();
        }
        Object p = auth.getPrincipal();
        if (p instanceof ApiPrincipal token) {
            if (token.scope() != ApiScope.API) {
                return token.scope().permissions();
            }
            Set<Permission> granted = EnumSet.noneOf(Permission.class);
            granted.addAll(Role.permissionsOf(token.roles()));
            if (token.userId() != null) {
                granted.retainAll(users.permissions(token.userId()));
            }
            return granted;
        }
        UUID userId = userId(p);
        return userId == null ? Set.of() : users.permissions(userId);
    }

    static UUID userId(Object principal) {
        if (principal instanceof UserPrincipal u) {
            return u.userId();
        }
        if (principal instanceof UserPrincipal.Bound b) {
            return b.user().userId();
        }
        if (principal instanceof ApiPrincipal t) {
            return t.userId();
        }
        return null;
    }

    @Override
    public Set<Permission> currentPermissions() {
        return permissions(SecurityContextHolder.getContext().getAuthentication());
    }

    @Override
    public boolean mayManageOwn(ApiTokenInfo token) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return false;
        }
        UUID me = userId(auth.getPrincipal());
        if (me == null || !me.equals(token.userId())) {
            return false;
        }
        if (auth.getPrincipal() instanceof ApiPrincipal) {
            return permissions(auth).containsAll(token.permissions());
        }
        return true; // a session of the user
    }

    @Override
    public Optional<Instant> issuableUntil() {
        return ApiPrincipal.current().flatMap(p -> tokens.find(p.tokenId())).map(ApiTokenInfo::expiresAt);
    }

    @Override
    public void require(Permission p) {
        if (!allowed(p)) {
            throw new AccessDeniedException("this needs the permission " + p.id());
        }
    }

    @Override
    public Optional<User> currentUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            return Optional.empty();
        }
        UUID id = userId(auth.getPrincipal());
        return id == null ? Optional.empty() : users.find(id);
    }
}
