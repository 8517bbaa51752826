package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestOidc;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Acceptance 2 of issue 6: single sign-on end to end against an in-process OpenID provider (authorization code flow
 * with PKCE through real HTTP redirects and cookies), with roles mapped from the {@code groups} claim; a user whose
 * claims map to no role is refused; a user disabled in Vigil is refused; role changes at the provider apply at the
 * next sign-in.
 */
@VigilServerTest
class OidcSignInTest {
    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    AuditLog audit;

    private TestApi.Response signInWithSso(TestSession browser) {
        return browser.get("/oauth2/authorization/oidc");
    }

    @Test
    void aProviderUserSignsInWithRolesMappedFromTheirGroups() {
        String subject = "sub-" + UUID.randomUUID();
        String name = "alice-" + subject.substring(4, 12);
        TestOidc.nextUser(
                subject,
                Map.of(
                        "preferred_username",
                        name,
                        "name",
                        "Alice Example",
                        "email",
                        name + "@example.org",
                        "groups",
                        List.of("soc-analysts", "unrelated")));
        TestSession browser = new TestSession(port, HttpClient.Redirect.NORMAL);
        assertThat(browser.get("/login").body()).contains("Sign in with Test SSO");

        TestApi.Response landing = signInWithSso(browser);
        assertThat(landing.status()).isEqualTo(200);
        assertThat(URI.create(landing.raw().uri().toString()).getPath()).isEqualTo("/");
        assertThat(landing.body()).contains("Dashboard", name);

        TestApi.Response me = browser.getJson("/api/v1/me");
        assertThat(me.json().path("user").path("username").asString()).isEqualTo(name);
        assertThat(me.json().path("user").path("roles").toString()).contains("analyst");
        assertThat(me.json().path("permissions").toString())
                .contains("rules_write")
                .doesNotContain("audit_read");
        User user = users.findByUsername(name).orElseThrow();
        assertThat(user.roles()).containsExactly(Role.ANALYST);
        assertThat(user.sso()).isEqualTo(TestOidc.issuer());
        assertThat(user.localPassword()).isFalse();
        assertThat(browser.get("/audit").status()).isEqualTo(403);
        assertThat(audit.find(new AuditQuery(name, "signed_in", "session", null, null, null, null), PageQuery.of(0, 5))
                        .items())
                .singleElement()
                .satisfies(e -> assertThat(e.after()).contains("oidc"));

        // The provider moves the user to the auditors: the next sign-in carries the new role.
        TestOidc.nextUser(subject, Map.of("preferred_username", name, "groups", List.of("soc-auditors")));
        TestSession again = new TestSession(port, HttpClient.Redirect.NORMAL);
        assertThat(signInWithSso(again).status()).isEqualTo(200);
        assertThat(users.findByUsername(name).orElseThrow().roles()).containsExactly(Role.AUDITOR);
        assertThat(again.get("/audit").status()).isEqualTo(200);
    }

    @Test
    void aProviderUserWithoutAMappedRoleIsRefused() {
        String subject = "sub-" + UUID.randomUUID();
        TestOidc.nextUser(
                subject,
                Map.of("preferred_username", "mallory-" + subject.substring(4, 10), "groups", List.of("marketing")));
        TestSession browser = new TestSession(port, HttpClient.Redirect.NORMAL);
        TestApi.Response landing = signInWithSso(browser);
        assertThat(landing.raw().uri().getPath()).isEqualTo("/login");
        assertThat(landing.raw().uri().getQuery()).isEqualTo("sso-error");
        assertThat(browser.getJson("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aProviderUserDisabledInVigilIsRefused() {
        String subject = "sub-" + UUID.randomUUID();
        String name = "bob-" + subject.substring(4, 12);
        TestOidc.nextUser(subject, Map.of("preferred_username", name, "groups", List.of("soc-analysts")));
        assertThat(signInWithSso(new TestSession(port, HttpClient.Redirect.NORMAL))
                        .status())
                .isEqualTo(200);
        User bob = users.findByUsername(name).orElseThrow();
        users.update(bob.id(), new UserRequest(null, null, null, null, false, null));

        TestOidc.nextUser(subject, Map.of("preferred_username", name, "groups", List.of("soc-analysts")));
        TestApi.Response landing = signInWithSso(new TestSession(port, HttpClient.Redirect.NORMAL));
        assertThat(landing.raw().uri().getQuery()).isEqualTo("sso-error");
    }
}
