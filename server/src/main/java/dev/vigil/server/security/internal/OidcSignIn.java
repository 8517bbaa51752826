package dev.vigil.server.security.internal;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.User;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * OpenID Connect single sign-on (authorization code flow with PKCE, {@code vigil.security.oidc.*}). The provider's
 * discovery document is read on first use, so Vigil starts even while the provider is unreachable. On every sign-in
 * the user is found by (issuer, subject) or provisioned, and their roles are set from the roles claim through
 * {@code role-mapping} (the provider is the source of truth for single sign-on users); a user whose claims map to no
 * role and no {@code default-roles} is refused, as is a disabled user.
 */
@Component
@ConditionalOnProperty(prefix = "vigil.security.oidc", name = "enabled", havingValue = "true")
class OidcSignIn {
    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);
    static final String REGISTRATION = "oidc";

    private final SecurityProperties.Oidc config;
    private final JdbcUserService users;
    private final AuditLog audit;
    private final OidcUserService delegate = new OidcUserService();
    private volatile ClientRegistration registration;

    OidcSignIn(SecurityProperties properties, JdbcUserService users, AuditLog audit) {
        this.config = properties.oidc();
        this.users = users;
        this.audit = audit;
        if (config.issuerUri() == null || config.clientId() == null) {
            throw new IllegalStateException("vigil.security.oidc needs issuer-uri and client-id");
        }
    }

    String displayName() {
        return config.displayName();
    }

    /**
     * The provider that completes the code flow (token exchange, ID token validation, {@link #loadUser}); part of the
     * browser chain's authentication manager next to password sign-in.
     */
    org.springframework.security.authentication.AuthenticationProvider provider() {
        return new org.springframework.security.oauth2.client.oidc.authentication
                .OidcAuthorizationCodeAuthenticationProvider(
                new org.springframework.security.oauth2.client.endpoint
                        .RestClientAuthorizationCodeTokenResponseClient(),
                this::loadUser);
    }

    void configure(HttpSecurity http) throws Exception {
        ClientRegistrationRepository repository = id -> REGISTRATION.equals(id) ? registration() : null;
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(repository, "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.oauth2Login(o -> o.loginPage("/login")
                .clientRegistrationRepository(repository)
                .authorizationEndpoint(a -> a.authorizationRequestResolver(resolver))
                .userInfoEndpoint(u -> u.oidcUserService(this::loadUser))
                .defaultSuccessUrl("/", false)
                .failureHandler((req, res, ex) -> {
                    log.info("Single sign-on refused: {}", ex.getMessage());
                    res.sendRedirect("/login?sso-error");
                }));
    }

    private ClientRegistration registration() {
        ClientRegistration r = registration;
        if (r == null) {
            synchronized (this) {
                if (registration == null) {
                    try {
                        registration = ClientRegistrations.fromIssuerLocation(config.issuerUri())
                                .registrationId(REGISTRATION)
                                .clientName(config.displayName())
                                .clientId(config.clientId())
                                .clientSecret(config.clientSecret())
                                .scope(config.scopes())
                                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                                .userNameAttributeName("sub")
                                .build();
                    } catch (RuntimeException e) {
                        log.warn(
                                "Cannot read the OpenID provider configuration of {}: {}",
                                config.issuerUri(),
                                e.getMessage());
                        return null;
                    }
                }
                r = registration;
            }
        }
        return r;
    }

    OidcUser loadUser(OidcUserRequest request) {
        OidcUser oidc = delegate.loadUser(request);
        String issuer = String.valueOf(oidc.getIssuer());
        String subject = oidc.getSubject();
        Set<Role> roles = roles(oidc.getClaims());
        Actor who = new Actor("anonymous", "-", String.valueOf(oidc.getClaims().get(config.usernameClaim())));
        if (roles.isEmpty()) {
            audit.record(
                    who,
                    "sign_in_failed",
                    "session",
                    subject,
                    null,
                    Map.of("reason", "no role in the claims", "method", "oidc"));
            throw new OAuth2AuthenticationException(
                    new OAuth2Error("access_denied", "your account has no Vigil role", null));
        }
        String email = oidc.getEmail();
        String displayName = oidc.getFullName() != null ? oidc.getFullName() : null;
        User user = users.findBySso(issuer, subject)
                .map(id -> users.syncSsoRoles(id, roles, displayName, email))
                .orElseGet(() -> users.provision(username(oidc), displayName, email, roles, issuer, subject));
        if (!user.enabled()) {
            audit.record(
                    who,
                    "sign_in_failed",
                    "session",
                    user.id().toString(),
                    null,
                    Map.of("reason", "disabled", "method", "oidc"));
            throw new OAuth2AuthenticationException(new OAuth2Error("access_denied", "your account is disabled", null));
        }
        users.signedIn(user.id());
        UserPrincipal principal = new UserPrincipal(user.id(), user.username(), user.displayName());
        audit.record(
                principal.actor(),
                "signed_in",
                "session",
                user.id().toString(),
                null,
                Map.of("method", "oidc", "issuer", issuer));
        return new VigilOidcUser(oidc, principal);
    }

    Set<Role> roles(Map<String, Object> claims) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        Map<String, String> mapping = config.roleMapping() == null ? Map.of() : config.roleMapping();
        for (String value : values(claims.get(config.rolesClaim()))) {
            String mapped = mapping.get(value);
            if (mapped != null) {
                roles.add(Role.parse(mapped));
                continue;
            }
            for (Role r : Role.values()) {
                if (r.id().equals(value.toLowerCase(Locale.ROOT))) {
                    roles.add(r);
                }
            }
        }
        if (roles.isEmpty() && config.defaultRoles() != null) {
            for (String d : config.defaultRoles()) {
                roles.add(Role.parse(d));
            }
        }
        return roles;
    }

    private static List<String> values(Object claim) {
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String s) {
            return List.of(s.split("[\\s,]+"));
        }
        return List.of();
    }

    private String username(OidcUser oidc) {
        Object claim = oidc.getClaims().get(config.usernameClaim());
        String name = claim != null ? claim.toString() : oidc.getEmail() != null ? oidc.getEmail() : oidc.getSubject();
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._@-]", "-");
        clean = clean.replaceAll("^[^a-z0-9]+", "");
        if (clean.isEmpty()) {
            clean = "sso-"
                    + UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .toString()
                            .substring(0, 8);
        }
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    /** The session principal of a single sign-on user. */
    static final class VigilOidcUser extends DefaultOidcUser implements UserPrincipal.Bound, Actor.Source {
        private final UserPrincipal user;

        VigilOidcUser(OidcUser oidc, UserPrincipal user) {
            super(List.of(new SimpleGrantedAuthority("ROLE_USER")), oidc.getIdToken(), oidc.getUserInfo(), "sub");
            this.user = user;
        }

        @Override
        public UserPrincipal user() {
            return user;
        }

        @Override
        public Actor actor() {
            return user.actor();
        }

        @Override
        public String getName() {
            return user.username();
        }
    }
}
