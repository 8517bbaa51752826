package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.internal.RouteTable;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Acceptance 1 of issue 6: every route the running server has (read at run time, so routes added later are covered
 * without touching this test) declares a permission, refuses anonymous callers (401) and callers without the
 * permission (403), and lets a caller with the permission through. Public routes (sign-in page, static assets) are
 * the only exceptions, and they must be declared public explicitly.
 */
@VigilServerTest
class RouteAuthorizationTest {
    @LocalServerPort
    int port;

    @Autowired
    RouteTable table;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    UserService users;

    @Test
    void everyRouteIsDeclaredAndRefusesAnonymousAndUnderPrivilegedCallers() {
        List<RouteWalker.Route> routes = RouteWalker.routes(table.handlerMappings(), table);
        assertThat(routes).hasSizeGreaterThan(40);
        assertThat(routes)
                .extracting(RouteWalker.Route::pattern)
                .contains("/api/v1/alerts", "/api/v1/rules/{ref}/enable", "/api/v1/users", "/api/v1/audit/export");

        Map<RouteWalker.Caller, String> token = new EnumMap<>(RouteWalker.Caller.class);
        Map<RouteWalker.Caller, TestSession> session = new EnumMap<>(RouteWalker.Caller.class);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        token.put(
                RouteWalker.Caller.INGEST,
                tokens.issue(ApiScope.INGEST, "walk-ingest", null, null).token());
        token.put(
                RouteWalker.Caller.METRICS,
                tokens.issue(ApiScope.METRICS, "walk-metrics", null, null).token());
        for (Role role : Role.values()) {
            RouteWalker.Caller c = RouteWalker.Caller.valueOf(role.name());
            token.put(
                    c,
                    tokens.issueApiToken("walk-" + role.id(), null, Set.of(role), null)
                            .token());
            String name = "walk-" + role.id() + "-" + suffix;
            users.create(new UserRequest(name, null, null, Set.of(role.id()), true, "walk-password-" + suffix));
            session.put(c, TestSession.signedIn(port, name, "walk-password-" + suffix));
        }
        TestApi anonymous = new TestApi(port, null);

        RouteWalker.Http http = (route, caller) -> {
            if (caller == RouteWalker.Caller.ANONYMOUS) {
                TestApi.Response r = anonymous.send(route.method(), route.path(), route.contentType(), null);
                if (r.status() == 401) {
                    assertThat(r.header("Content-Type")).as(route.toString()).startsWith("application/problem+json");
                }
                return r.status();
            }
            if (route.viaSession()) {
                return session.get(caller)
                        .request(route.method(), route.path(), "application/json", true)
                        .status();
            }
            TestApi.Response r = anonymous.send(route.method(), route.path(), route.contentType(), token.get(caller));
            if (r.status() == 403) {
                assertThat(r.header("Content-Type")).as(route.toString()).startsWith("application/problem+json");
            }
            return r.status();
        };
        List<String> problems = RouteWalker.problems(routes, http);
        assertThat(problems).as("routes that are not deny-by-default").isEmpty();
    }

    @Test
    void aPageRouteSendsAnonymousBrowsersToSignIn() {
        TestSession browser = new TestSession(port);
        TestApi.Response r = browser.get("/api/v1/alerts");
        assertThat(r.status()).isEqualTo(302);
        assertThat(URI.create(r.header("Location")).getPath()).isEqualTo("/login");
    }

    @Test
    void aStateChangingRequestWithoutCsrfTokenIsRefusedEvenWhenSignedIn() {
        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(admin.request("POST", "/api/v1/rules/reload", "application/json", false)
                        .status())
                .isEqualTo(403);
        assertThat(admin.request("POST", "/api/v1/audit/verify", "application/json", true)
                        .status())
                .isEqualTo(200);
    }

    @SuppressWarnings("unused")
    private static HttpRequest.Builder unused() {
        return null;
    }
}
