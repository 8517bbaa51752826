package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.ApiTokenService;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Two filter chains, one authorization decision ({@link RouteAuthorizationManager}, deny by default):
 *
 * <ol>
 *   <li><b>Tokens</b> (requests with an {@code Authorization} header): stateless, no session, no cookies read, so no
 *       CSRF; 401/403 as problem details.
 *   <li><b>Browsers</b> (everything else): a session cookie ({@code VIGIL_SESSION}, HttpOnly, SameSite=Lax, Secure
 *       over TLS) from password sign-in or OIDC; CSRF tokens on every state-changing request (forms carry
 *       {@code _csrf}, htmx and Swagger UI send the {@code XSRF-TOKEN} cookie back as {@code X-XSRF-TOKEN}); pages
 *       redirect an anonymous caller to {@code /login}, API calls get 401.
 * </ol>
 *
 * Both send a strict Content-Security-Policy (no inline scripts or styles), {@code X-Frame-Options: DENY} and
 * {@code frame-ancestors 'none'}, {@code nosniff}, a same-origin referrer policy and {@code Cache-Control: no-store}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return Passwords.encoder();
    }

    /** Password sign-in; being a bean also keeps Boot from creating a default user with a generated password. */
    @Bean
    LocalSignIn localSignIn(
            JdbcUserService users, PasswordEncoder encoder, AuditLog audit, Clock clock, SecurityProperties p) {
        return new LocalSignIn(users, encoder, audit, clock, p);
    }

    @Bean(destroyMethod = "flush")
    RefusedChangeAudit refusedChangeAudit(
            AuditLog audit,
            RouteTable routes,
            Clock clock,
            SecurityProperties p,
            io.micrometer.core.instrument.MeterRegistry meters) {
        return new RefusedChangeAudit(audit, routes, clock, p.refusals(), meters);
    }

    @Bean
    RouteAuthorizationManager routeAuthorizationManager(RouteTable routes, CurrentAccess access) {
        return new RouteAuthorizationManager(routes, access);
    }

    private static void common(HttpSecurity http, RouteAuthorizationManager authorization) throws Exception {
        http.httpBasic(b -> b.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                        .permitAll()
                        .anyRequest()
                        .access(authorization));
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 200)
    SecurityFilterChain tokenSecurity(
            HttpSecurity http,
            ApiTokenService tokens,
            ProblemResponses problems,
            RouteAuthorizationManager authorization,
            RefusedChangeAudit refusals)
            throws Exception {
        http.securityMatcher(request -> request.getHeader("Authorization") != null);
        common(http, authorization);
        http.addFilterAfter(refusals.filter(), SecurityContextHolderFilter.class);
        http.csrf(c -> c.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens, problems), AuthorizationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) ->
                                problems.unauthorized(res, "an API token is required (Authorization: Bearer <token>)"))
                        .accessDeniedHandler((req, res, ex) -> {
                            AccessRefusal.note(req, ex.getMessage());
                            problems.forbidden(res, "this token may not do this (" + ex.getMessage() + ")");
                        }));
        return http.build();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 100)
    SecurityFilterChain browserSecurity(
            HttpSecurity http,
            ProblemResponses problems,
            RouteAuthorizationManager authorization,
            JdbcUserService users,
            LocalSignIn localSignIn,
            AuditLog audit,
            ObjectProvider<OidcSignIn> oidc,
            RefusedChangeAudit refusals)
            throws Exception {
        common(http, authorization);
        http.addFilterAfter(refusals.filter(), SecurityContextHolderFilter.class);
        CookieCsrfTokenRepository csrfCookies = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfCookies.setCookieCustomizer(c -> c.sameSite("Strict").path("/"));
        AuthenticationEntryPoint entryPoint = (req, res, ex) -> {
            if (req.getHeader("HX-Request") != null) {
                res.setHeader("HX-Redirect", "/login");
                problems.unauthorized(res, "sign in first");
            } else if (ProblemResponses.wantsHtml(req) && "GET".equals(req.getMethod())) {
                res.sendRedirect(req.getContextPath() + "/login");
            } else {
                problems.unauthorized(res, "sign in or send an API token (Authorization: Bearer <token>)");
            }
        };
        AccessDeniedHandler denied = (req, res, ex) -> {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            // why, for the audit of refused changes (RefusedChangeAudit); the route's own reason wins when noted
            AccessRefusal.note(
                    req,
                    ex instanceof org.springframework.security.web.csrf.CsrfException
                            ? "missing or invalid CSRF token"
                            : ex.getMessage());
            if (auth == null || auth instanceof AnonymousAuthenticationToken) {
                entryPoint.commence(req, res, null); // e.g. a missing CSRF token before signing in
            } else if (ProblemResponses.wantsHtml(req)) {
                problems.forbiddenPage(res);
            } else {
                problems.forbidden(res, "your roles do not allow this");
            }
        };
        http.csrf(c -> c.spa().csrfTokenRepository(csrfCookies))
                .addFilterAfter(new CsrfCookieFilter(), AuthorizationFilter.class)
                .addFilterAfter(new SessionUserFilter(users), SecurityContextHolderFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .authenticationManager(
                        oidc.getIfAvailable() == null
                                ? new ProviderManager(localSignIn)
                                : new ProviderManager(
                                        localSignIn, oidc.getObject().provider()))
                .formLogin(f -> f.loginPage("/login")
                        .loginProcessingUrl("/login")
                        .defaultSuccessUrl("/", false)
                        .failureHandler((req, res, ex) -> res.sendRedirect(
                                ex instanceof LocalSignIn.Throttled ? "/login?throttled" : "/login?error")))
                .logout(l -> l.logoutUrl("/logout")
                        .addLogoutHandler((req, res, auth) -> {
                            if (auth != null
                                    && auth.getPrincipal() instanceof dev.vigil.server.platform.audit.Actor.Source s) {
                                audit.record(
                                        s.actor(),
                                        "signed_out",
                                        "session",
                                        s.actor().id(),
                                        null,
                                        Map.of());
                            }
                        })
                        .logoutSuccessUrl("/login?signed-out")
                        .deleteCookies("VIGIL_SESSION"))
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied));
        OidcSignIn sso = oidc.getIfAvailable();
        if (sso != null) {
            sso.configure(http);
        }
        return http.build();
    }

    /** Loads the deferred CSRF token so that its cookie is set for htmx and Swagger UI. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    /** Ends the session of a user who was disabled or deleted since signing in. */
    static final class SessionUserFilter extends OncePerRequestFilter {
        private final JdbcUserService users;

        SessionUserFilter(JdbcUserService users) {
            this.users = users;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null) {
                java.util.UUID id = CurrentAccess.userId(auth.getPrincipal());
                if (id != null && !users.active(id)) {
                    SecurityContextHolder.clearContext();
                    HttpSession session = request.getSession(false);
                    if (session != null) {
                        session.invalidate();
                    }
                }
            }
            chain.doFilter(request, response);
        }
    }
}
