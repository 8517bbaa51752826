package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
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

    /** Throws {@link org.springframework.security.access.AccessDeniedException} unless allowed. */
    void require(Permission p);

    /** The signed-in user (sessions, and personal tokens), if any. */
    Optional<User> currentUser();
}
