package dev.vigil.server.security;

import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * Opens endpoints to scopes other than admin. A module declares a bean of this type for each of its endpoint
 * patterns; everything not declared stays admin-only (deny by default). Patterns are Spring {@code PathPattern}s,
 * e.g. {@code /api/v1/ingest/**} or {@code /*}{@code /_bulk}.
 *
 * @param method the HTTP method, or null for all
 * @param pattern the path pattern
 * @param scopes the scopes that may call it (admin always may)
 */
public record ApiEndpoint(HttpMethod method, String pattern, Set<ApiScope> scopes) {
    public ApiEndpoint {
        scopes = Set.copyOf(scopes);
    }

    public static ApiEndpoint of(String pattern, ApiScope... scopes) {
        return new ApiEndpoint(null, pattern, Set.of(scopes));
    }

    public static ApiEndpoint of(HttpMethod method, String pattern, ApiScope... scopes) {
        return new ApiEndpoint(method, pattern, Set.of(scopes));
    }

    /**
     * A public route, reachable without a token: only for routes whose URL is itself the credential (signed, single-use
     * action links in notifications). An empty scope set means public.
     */
    public static ApiEndpoint anonymous(HttpMethod method, String pattern) {
        return new ApiEndpoint(method, pattern, Set.of());
    }
}
