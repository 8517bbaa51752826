package dev.vigil.server.security.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.security.*}. See docs/configuration.md.
 *
 * @param bootstrapApiToken {@code VIGIL_BOOTSTRAP_API_TOKEN}: on first start an admin token with this value is
 *     created (at least 16 characters); empty for none
 * @param tokenCacheTtl how long a successful token check is cached (revocation on this node is immediate)
 * @param adminUsername the first administrator's user name, created when there are no users
 * @param adminPassword {@code VIGIL_ADMIN_PASSWORD}: the first administrator's password; empty: one is generated,
 *     printed once and written to {@code DATA_DIR/initial-admin-password}
 * @param signIn lockout and rate limits of password sign-in
 * @param oidc single sign-on
 * @param refusals the audit of refused changes
 */
@ConfigurationProperties("vigil.security")
public record SecurityProperties(
        String bootstrapApiToken,
        @DefaultValue("30s") Duration tokenCacheTtl,
        @DefaultValue("admin") String adminUsername,
        String adminPassword,
        @DefaultValue SignIn signIn,
        @DefaultValue Oidc oidc,
        @DefaultValue Refusals refusals) {

    /**
     * The audit of refused state-changing requests ({@link RefusedChangeAudit}).
     *
     * @param interval at most one audit entry per principal and action (method + path template) per interval; the
     *     attempts in between are counted and reported in the next entry
     * @param maxTracked how many principal/action pairs are tracked at once (memory bound; the least recently seen is
     *     forgotten first, with a closing entry when it had uncounted attempts)
     */
    public record Refusals(
            @DefaultValue("1m") Duration interval,
            @DefaultValue("10000") int maxTracked) {
        public Refusals {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("vigil.security.refusals.interval must be positive");
            }
            if (maxTracked < 1) {
                throw new IllegalArgumentException("vigil.security.refusals.max-tracked must be at least 1");
            }
        }
    }

    /**
     * @param maxFailures consecutive failures that lock an account
     * @param lockDuration how long it stays locked
     * @param maxFailuresPerAddress failed sign-ins from one client address per {@code addressWindow} before it is
     *     refused outright (rate limit against password spraying)
     * @param addressWindow the window of that rate limit
     */
    public record SignIn(
            @DefaultValue("5") int maxFailures,
            @DefaultValue("15m") Duration lockDuration,
            @DefaultValue("20") int maxFailuresPerAddress,
            @DefaultValue("10m") Duration addressWindow) {}

    /**
     * OpenID Connect single sign-on (authorization code flow with PKCE).
     *
     * @param enabled show "Sign in with ..." and accept the provider's users
     * @param displayName the provider's name on the sign-in page
     * @param issuerUri the issuer (its {@code /.well-known/openid-configuration} is read on first use)
     * @param clientId the client registered at the provider
     * @param clientSecret its secret
     * @param scopes requested scopes
     * @param usernameClaim the claim that becomes the Vigil user name
     * @param rolesClaim the claim (a list or a space/comma separated string) mapped to roles
     * @param roleMapping claim value → Vigil role (e.g. {@code vigil-admins: admin}); a value equal to a role name
     *     maps to that role too
     * @param defaultRoles roles of users whose claims map to none; empty: such users are refused
     */
    public record Oidc(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("single sign-on") String displayName,
            String issuerUri,
            String clientId,
            String clientSecret,
            @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
            @DefaultValue("preferred_username") String usernameClaim,
            @DefaultValue("groups") String rolesClaim,
            Map<String, String> roleMapping,
            List<String> defaultRoles) {}
}
