package dev.vigil.server.platform.audit;

import java.io.Serializable;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who did something: a signed-in {@code user}, an API {@code token} (of a user or an integration), or the
 * {@code system} itself (start-up, scheduled jobs).
 *
 * @param type {@code user}, {@code token} or {@code system}
 * @param id the user's or token's id; {@code system} for the system
 * @param name what people read: the user name, or the token name (with its owner)
 */
public record Actor(String type, String id, String name) implements Serializable {
    public static final Actor SYSTEM = new Actor("system", "system", "system");

    /** Implemented by authenticated principals so that audit entries name them. */
    public interface Source {
        Actor actor();
    }

    /** The actor of the current thread's security context, or {@link #SYSTEM} when nobody is signed in. */
    public static Actor current() {
        return currentIfAny().orElse(SYSTEM);
    }

    /** The actor of the current thread's security context, if one is authenticated. */
    public static Optional<Actor> currentIfAny() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()) {
            return Optional.empty();
        }
        if (auth.getPrincipal() instanceof Source s) {
            return Optional.of(s.actor());
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
