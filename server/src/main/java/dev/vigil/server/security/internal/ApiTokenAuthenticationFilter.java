package dev.vigil.server.security.internal;

import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiTokenService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by its API token. Accepted forms, so that every shipper can send one:
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <token>} (the API, OTLP exporters, curl);
 *   <li>{@code Authorization: Basic base64(any-user:<token>)} (Beats, Logstash, Fluent Bit, Vector's Elasticsearch
 *       sinks, rsyslog's omhttp);
 *   <li>{@code Authorization: ApiKey <token>} or {@code ApiKey base64(id:<token>)} (Elasticsearch API keys).
 * </ul>
 *
 * A request without credentials continues unauthenticated (authorization then answers 401); a request with invalid
 * credentials is answered 401 at once.
 */
final class ApiTokenAuthenticationFilter extends OncePerRequestFilter {
    private final ApiTokenService tokens;
    private final ProblemResponses problems;

    ApiTokenAuthenticationFilter(ApiTokenService tokens, ProblemResponses problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            chain.doFilter(request, response);
            return;
        }
        String token = extractToken(header);
        Optional<ApiPrincipal> principal = token == null ? Optional.empty() : tokens.authenticate(token);
        if (principal.isEmpty()) {
            SecurityContextHolder.clearContext();
            problems.unauthorized(response, "invalid, expired or revoked API token");
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new ApiTokenAuthentication(principal.get()));
        SecurityContextHolder.setContext(context);
        // who, for the audit of refused changes, which looks after this filter has cleared the context
        request.setAttribute(RefusedChangeAudit.ACTOR, principal.get().actor());
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static String extractToken(String header) {
        int space = header.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String type = header.substring(0, space).toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).trim();
        if (value.isEmpty()) {
            return null;
        }
        return switch (type) {
            case "bearer" -> value;
            case "basic" -> {
                String decoded = decode(value);
                int colon = decoded == null ? -1 : decoded.indexOf(':');
                yield colon < 0 ? null : decoded.substring(colon + 1);
            }
            case "apikey" -> {
                String decoded = decode(value);
                int colon = decoded == null ? -1 : decoded.indexOf(':');
                yield colon < 0 ? value : decoded.substring(colon + 1);
            }
            default -> null;
        };
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An authenticated API token; authorities are the scopes it grants (admin grants all). */
    static final class ApiTokenAuthentication extends AbstractAuthenticationToken {
        private final ApiPrincipal principal;

        ApiTokenAuthentication(ApiPrincipal principal) {
            super(authorities(principal));
            this.principal = principal;
            setAuthenticated(true);
        }

        private static List<SimpleGrantedAuthority> authorities(ApiPrincipal principal) {
            List<SimpleGrantedAuthority> list = new java.util.ArrayList<>();
            list.add(new SimpleGrantedAuthority("SCOPE_" + principal.scope().id()));
            principal.roles().forEach(r -> list.add(new SimpleGrantedAuthority("ROLE_" + r.name())));
            return list;
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public ApiPrincipal getPrincipal() {
            return principal;
        }
    }
}
