package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.Role;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the current caller may do, for pages and services that show or hide things (routes are already enforced by
 * their {@code @RequirePermission}). Templates use it as {@code ${@accessControl.allowed('RULES_WRITE')}}.
 */
public interface AccessControl {

    Set<Permission> currentPermissions();

    default boolean allowed(Permission p) {
        return currentPermissions().contains(p);
    }

    default boolean allowed(String permission) {
        return allowed(Permission.valueOf(permission));
    }

    /**
     * The roles among {@code roles} whose every permission the current caller holds: what a personal token issued
     * now may carry (a token limited to fewer roles than its user cannot mint a stronger one).
     */
    default Set<Role> grantable(Collection<Role> roles) {
        Set<Permission> mine = currentPermissions();
        EnumSet<Role> out = EnumSet.noneOf(Role.class);
        for (Role r : roles) {
            if (mine.containsAll(r.permissions())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Throws {@link org.springframework.security.access.AccessDeniedException} unless allowed. */
    void require(Permission p);

    /** The signed-in user (sessions, and personal tokens), if any. */
    Optional<User> currentUser();
}
