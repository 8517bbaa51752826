package dev.vigil.server.security;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.audit.Actor;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The authenticated caller of an API request.
 *
 * @param tokenId the API token's id
 * @param name the token's name (shown in lists, audit and logs; never the secret)
 * @param scope what kind of token it is
 * @param subject for ingest tokens bound to one log source, that source's name; otherwise null
 * @param userId for personal api tokens, their user; null for integrations and ingest/metrics tokens
 * @param username the user's name for personal tokens, else null
 * @param roles the roles of api tokens (a personal token never exceeds its user's current roles)
 */
public record ApiPrincipal(
        UUID tokenId, String name, ApiScope scope, String subject, UUID userId, String username, Set<Role> roles)
        implements Principal, Actor.Source, java.io.Serializable {

    public ApiPrincipal {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Actor actor() {
        String who = username == null ? name : username + " (token " + name + ")";
        return new Actor("token", tokenId.toString(), who);
    }

    /**
     * True when this principal may send events to the log source {@code source}: ingest tokens bound to it or to no
     * source; api tokens reach intake only with a role that grants ingest (checked by the route).
     */
    public boolean mayIngestInto(String source) {
        if (scope == ApiScope.API) {
            return true;
        }
        return scope == ApiScope.INGEST && (subject == null || subject.equals(source));
    }

    /** The principal of the current request, if it was authenticated with an API token. */
    public static Optional<ApiPrincipal> current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ApiPrincipal p) {
            return Optional.of(p);
        }
        return Optional.empty();
    }
}
