package dev.vigil.server.security;

import dev.vigil.server.platform.access.Permission;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * A path-based route declaration, for handlers that cannot carry {@link
 * dev.vigil.server.platform.access.RequirePermission} (actuator endpoints, static files, third-party controllers).
 * A module declares a bean of this type; a controller's own annotation always takes precedence. Patterns are Spring
 * {@code PathPattern}s, e.g. {@code /api/v1/ingest/**} or {@code /*}{@code /_bulk}.
 *
 * @param method the HTTP method, or null for all
 * @param pattern the path pattern
 * @param permission what a caller needs
 */
public record ApiEndpoint(HttpMethod method, String pattern, Permission permission) {

    public static ApiEndpoint of(String pattern, Permission permission) {
        return new ApiEndpoint(null, pattern, permission);
    }

    public static ApiEndpoint of(HttpMethod method, String pattern, Permission permission) {
        return new ApiEndpoint(method, pattern, permission);
    }

    /** Opens a path to token scopes (the issue 5 form): ingest scope means {@link Permission#INGEST}. */
    public static ApiEndpoint of(String pattern, ApiScope... scopes) {
        return new ApiEndpoint(null, pattern, permissionOf(Set.of(scopes)));
    }

    public static ApiEndpoint of(HttpMethod method, String pattern, ApiScope... scopes) {
        return new ApiEndpoint(method, pattern, permissionOf(Set.of(scopes)));
    }

    private static Permission permissionOf(Set<ApiScope> scopes) {
        if (scopes.contains(ApiScope.INGEST)) {
            return Permission.INGEST;
        }
        if (scopes.contains(ApiScope.METRICS)) {
            return Permission.METRICS_READ;
        }
        return Permission.SYSTEM_WRITE;
    }
}
