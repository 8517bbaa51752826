package dev.vigil.server.security.internal;

import dev.vigil.server.security.ApiEndpoint;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenService;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The API security filter chain: stateless, token-authenticated, deny by default. Endpoints opened to
 * non-admin scopes are the built-in ones below (ingest paths, health, metrics) plus every {@link ApiEndpoint} bean.
 * CSRF protection is off because this chain accepts no cookies or sessions, only tokens in headers; the web UI
 * (issue 6) adds its own chain, ordered before this one, with sessions and CSRF.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    /** The intake endpoints (issue 5). */
    static final List<ApiEndpoint> BUILT_IN = List.of(
            ApiEndpoint.of("/api/v1/ingest/**", ApiScope.INGEST),
            ApiEndpoint.of(HttpMethod.POST, "/_bulk", ApiScope.INGEST),
            ApiEndpoint.of(HttpMethod.PUT, "/_bulk", ApiScope.INGEST),
            ApiEndpoint.of(HttpMethod.POST, "/*/_bulk", ApiScope.INGEST),
            ApiEndpoint.of(HttpMethod.PUT, "/*/_bulk", ApiScope.INGEST),
            ApiEndpoint.of(HttpMethod.GET, "/", ApiScope.INGEST, ApiScope.METRICS),
            ApiEndpoint.of(HttpMethod.HEAD, "/", ApiScope.INGEST, ApiScope.METRICS),
            ApiEndpoint.of(HttpMethod.POST, "/v1/logs", ApiScope.INGEST),
            ApiEndpoint.of("/actuator/health", ApiScope.INGEST, ApiScope.METRICS),
            ApiEndpoint.of("/actuator/health/**", ApiScope.INGEST, ApiScope.METRICS),
            ApiEndpoint.of("/actuator/prometheus", ApiScope.METRICS));

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 100)
    SecurityFilterChain apiSecurity(
            HttpSecurity http,
            ApiTokenService tokens,
            ProblemResponses problems,
            ObjectProvider<ApiEndpoint> contributed)
            throws Exception {
        List<ApiEndpoint> endpoints = new ArrayList<>(BUILT_IN);
        contributed.orderedStream().forEach(endpoints::add);
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens, problems), AuthorizationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) ->
                                problems.unauthorized(res, "an API token is required (Authorization: Bearer <token>)"))
                        .accessDeniedHandler(
                                (req, res, ex) -> problems.forbidden(res, "this token's scope does not allow this")))
                .authorizeHttpRequests(a -> {
                    for (ApiEndpoint e : endpoints) {
                        if (e.scopes().isEmpty()) {
                            a.requestMatchers(PathPatternRequestMatcher.withDefaults()
                                            .matcher(e.method(), e.pattern()))
                                    .permitAll();
                            continue;
                        }
                        String[] authorities = e.scopes().stream()
                                .map(ApiScope::authority)
                                .distinct()
                                .toArray(String[]::new);
                        a.requestMatchers(
                                        PathPatternRequestMatcher.withDefaults().matcher(e.method(), e.pattern()))
                                .hasAnyAuthority(authorities);
                    }
                    a.anyRequest().hasAuthority(ApiScope.ADMIN.authority());
                });
        return http.build();
    }

    /** No user accounts yet (issue 6): an empty user store keeps Boot from generating a default password. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }
}
