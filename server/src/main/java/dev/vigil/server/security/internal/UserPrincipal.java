package dev.vigil.server.security.internal;

import dev.vigil.server.platform.audit.Actor;
import java.io.Serializable;
import java.security.Principal;
import java.util.UUID;

/**
 * The principal of a browser session (local password or single sign-on). Deliberately small: what the user may do is
 * looked up on every request ({@code UserService#permissions}), so role changes and disabling take effect at once.
 */
record UserPrincipal(UUID userId, String username, String displayName)
        implements Principal, Actor.Source, Serializable {

    @Override
    public String getName() {
        return username;
    }

    @Override
    public Actor actor() {
        return new Actor("user", userId.toString(), username);
    }

    /** Implemented by principals of other authentication mechanisms (OIDC) that stand for a Vigil user. */
    interface Bound {
        UserPrincipal user();
    }
}
