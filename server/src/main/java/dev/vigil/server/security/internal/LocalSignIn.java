package dev.vigil.server.security.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Password sign-in with lockout and rate limiting.
 *
 * <ul>
 *   <li>After {@code max-failures} consecutive wrong passwords the account is locked for {@code lock-duration}
 *       (audited as {@code user.locked}); an administrator can unlock it earlier.
 *   <li>A client address with {@code max-failures-per-address} failures within {@code address-window} is refused
 *       without checking anything until the window passes (password spraying across many accounts).
 *   <li>Unknown users, wrong passwords, locked and disabled accounts all fail with the same message, and an unknown
 *       user costs the same hashing time as a known one, so the answer does not reveal which accounts exist.
 * </ul>
 *
 * Every success and failure is audited ({@code session.signed_in}, {@code session.sign_in_failed} with the reason).
 */
final class LocalSignIn implements AuthenticationProvider {
    static final String FAILED = "Sign-in failed: wrong user name or password, or the account is locked or disabled.";

    private final JdbcUserService users;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final Clock clock;
    private final SecurityProperties.SignIn limits;
    private final Cache<String, AtomicInteger> failuresByAddress;
    private final String dummyHash;

    LocalSignIn(JdbcUserService users, PasswordEncoder encoder, AuditLog audit, Clock clock, SecurityProperties p) {
        this.users = users;
        this.encoder = encoder;
        this.audit = audit;
        this.clock = clock;
        this.limits = p.signIn();
        this.failuresByAddress = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(limits.addressWindow())
                .build();
        this.dummyHash = encoder.encode("not-a-real-password-" + System.nanoTime());
    }

    /** Thrown when a client address exceeded its failure budget. */
    static final class Throttled extends AuthenticationException {
        Throttled() {
            super("too many failed sign-ins from this address; try again later");
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String given = authentication.getName() == null ? "" : authentication.getName();
        String username = given.strip().toLowerCase(Locale.ROOT);
        if (username.length() > 64) {
            username = username.substring(0, 64);
        }
        String password = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString();
        String address =
                authentication.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : null;
        AtomicInteger byAddress = address == null ? null : failuresByAddress.getIfPresent(address);
        if (byAddress != null && byAddress.get() >= limits.maxFailuresPerAddress()) {
            audit.record(
                    anonymous(username), "sign_in_failed", "session", username, null, Map.of("reason", "throttled"));
            throw new Throttled();
        }
        Optional<JdbcUserService.Credentials> found =
                password.length() > Passwords.MAX_LENGTH ? Optional.empty() : users.credentials(username);
        Instant now = clock.instant();
        String reason = null;
        if (found.isEmpty()) {
            encoder.matches(password, dummyHash);
            reason = "unknown user";
        } else {
            JdbcUserService.Credentials c = found.get();
            boolean matches = c.passwordHash() != null && encoder.matches(password, c.passwordHash());
            if (!c.enabled()) {
                reason = "disabled";
            } else if (c.lockedUntil() != null && c.lockedUntil().isAfter(now)) {
                reason = "locked";
            } else if (c.passwordHash() == null) {
                reason = "no local password (single sign-on user)";
            } else if (!matches) {
                reason = "wrong password";
                if (users.signInFailed(c.id(), limits.maxFailures(), limits.lockDuration())) {
                    audit.record(
                            Actor.SYSTEM,
                            "locked",
                            "user",
                            c.id().toString(),
                            null,
                            Map.of(
                                    "until",
                                    now.plus(limits.lockDuration()).toString(),
                                    "after",
                                    limits.maxFailures() + " failed sign-ins"));
                }
            } else {
                users.signedIn(c.id());
                UserPrincipal principal = new UserPrincipal(c.id(), c.username(), c.displayName());
                audit.record(
                        principal.actor(),
                        "signed_in",
                        "session",
                        c.id().toString(),
                        null,
                        Map.of("method", "password"));
                return UsernamePasswordAuthenticationToken.authenticated(
                        principal, null, List.of(new SimpleGrantedAuthority("ROLE_USER")));
            }
        }
        if (address != null) {
            failuresByAddress.get(address, a -> new AtomicInteger()).incrementAndGet();
        }
        audit.record(anonymous(username), "sign_in_failed", "session", username, null, Map.of("reason", reason));
        throw new BadCredentialsException(FAILED);
    }

    private static Actor anonymous(String username) {
        return new Actor("anonymous", "-", username.isEmpty() ? "-" : username);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
