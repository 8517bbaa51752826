package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.Role;
import java.time.Instant;
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

    /**
     * True when the caller holds every permission {@code token} grants: what it could have issued itself, and so may
     * revoke ({@link #grantable}'s principle: a principal does not manage what it does not hold).
     */
    default boolean holdsAllOf(ApiTokenInfo token) {
        return currentPermissions().containsAll(token.permissions());
    }

    /**
     * True when the caller may see and revoke {@code token} as one of its own ({@code /api/v1/me/tokens}, the account
     * page): it must be a personal token of the caller's user; a signed-in session (the full user) manages all of
     * them, a personal token only those it {@link #holdsAllOf holds all of} (a limited token cannot revoke, or list,
     * its user's stronger tokens).
     */
    boolean mayManageOwn(ApiTokenInfo token);

    /**
     * The latest expiry a token issued now by the caller may have: a token cannot mint one that outlives itself, so
     * for a caller authenticated with an expiring token its expiry; empty for sessions and tokens without expiry.
     */
    Optional<Instant> issuableUntil();

    /**
     * The expiry of a token the caller issues, checked against {@link #issuableUntil}: {@code requested}, or the
     * limit when none was requested.
     *
     * @throws org.springframework.security.access.AccessDeniedException when {@code requested} is later than the limit
     */
    default Instant limitExpiry(Instant requested) {
        Optional<Instant> limit = issuableUntil();
        if (limit.isEmpty()) {
            return requested;
        }
        if (requested == null) {
            return limit.get();
        }
        if (requested.isAfter(limit.get())) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "a token cannot issue a token that outlives itself (it expires " + limit.get() + ")");
        }
        return requested;
    }

    /**
     * True when the caller is the user {@code userId} (a session or a personal token of theirs) or holds
     * {@code override}: the owner check for a user's own settings (contact channels, notification rules).
     */
    default boolean selfOr(java.util.UUID userId, Permission override) {
        return allowed(override)
                || (userId != null
                        && currentUser().map(User::id).filter(userId::equals).isPresent());
    }

    /**
     * Throws {@link org.springframework.security.access.AccessDeniedException} unless {@link #selfOr} allows it.
     *
     * @param what what is refused, for the message ("another user's notification rules")
     */
    default void requireSelfOr(java.util.UUID userId, Permission override, String what) {
        if (!selfOr(userId, override)) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "only its user, or a caller with " + override.id() + ", may change " + what);
        }
    }

    /** Throws {@link org.springframework.security.access.AccessDeniedException} unless allowed. */
    void require(Permission p);

    /** The signed-in user (sessions, and personal tokens), if any. */
    Optional<User> currentUser();
}
