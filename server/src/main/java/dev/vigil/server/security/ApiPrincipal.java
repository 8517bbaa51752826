package dev.vigil.server.security;

import java.security.Principal;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The authenticated caller of an API request.
 *
 * @param tokenId the API token's id
 * @param name the token's name (shown in lists, audit and logs; never the secret)
 * @param scope what the token may do
 * @param subject for ingest tokens bound to one log source, that source's name; otherwise null
 */
public record ApiPrincipal(UUID tokenId, String name, ApiScope scope, String subject) implements Principal {

    @Override
    public String getName() {
        return name;
    }

    /** True when this principal may send events to the log source {@code source}. */
    public boolean mayIngestInto(String source) {
        if (scope == ApiScope.ADMIN) {
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
