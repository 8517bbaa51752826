package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The web UI at the HTML level: sign-in, the pages render for a signed-in user, the security headers, and log data
 * carrying HTML and script payloads rendered as text (escaped), never as markup.
 */
@VigilServerTest
class PagesTest {
    @LocalServerPort
    int port;

    @Test
    void signInWithAPasswordOpensASessionAndSignOutEndsIt() {
        TestSession browser = new TestSession(port);
        TestApi.Response login = browser.get("/login");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("Sign in to Vigil", "name=\"_csrf\"");
        TestApi.Response wrong = browser.signIn("admin", "not-the-password");
        assertThat(URI.create(wrong.header("Location")).getQuery()).isEqualTo("error");

        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        TestApi.Response dashboard = admin.get("/");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.body())
                .contains("Dashboard", "Alerts in the last 24 hours", "hx-get=\"/dashboard/widgets/alerts\"");
        for (String page : List.of(
                "/alerts",
                "/rules",
                "/sources",
                "/applications",
                "/audit",
                "/admin/users",
                "/admin/tokens",
                "/account",
                "/dashboard/widgets/alerts",
                "/dashboard/widgets/intake",
                "/dashboard/widgets/rules",
                "/dashboard/widgets/audit")) {
            TestApi.Response r = admin.get(page);
            assertThat(r.status()).as(page).isEqualTo(200);
            assertThat(r.body()).as(page).doesNotContain("th:");
        }
        TestApi.Response out = admin.postForm("/logout", "");
        assertThat(URI.create(out.header("Location")).getQuery()).isEqualTo("signed-out");
        assertThat(admin.get("/alerts").status()).isEqualTo(302);
    }

    @Test
    void pagesCarryTheSecurityHeaders() {
        TestApi.Response r = new TestSession(port).get("/login");
        assertThat(r.header("Content-Security-Policy"))
                .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("same-origin");
        TestSession admin = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        String cookie = admin.get("/").raw().headers().allValues("Set-Cookie").toString();
        TestSession fresh = new TestSession(port);
        TestApi.Response signIn = fresh.signIn("admin", VigilServerTest.ADMIN_PASSWORD);
        String session = signIn.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("VIGIL_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(session).contains("HttpOnly", "SameSite=Lax");
        assertThat(cookie).isNotNull();
    }

    @Test
    void logDataWithHtmlAndScriptPayloadsIsRenderedAsText() {
        TestApi admin = TestApi.admin(port);
        String source = "xss-html-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIntake.webSource(admin, source);
        String alertId = TestIntake.raise(admin, source, token, TestIntake.hostileWebEvent());

        TestSession browser = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        for (String page : List.of("/alerts/" + alertId, "/alerts?source=" + source)) {
            String html = browser.get(page).body();
            assertThat(html)
                    .as(page)
                    .doesNotContain("<img src=x", "<script>alert", "<svg onload", "href=\"javascript:");
        }
        String detail = browser.get("/alerts/" + alertId).body();
        assertThat(detail)
                .contains("&lt;script&gt;alert(&#39;query&#39;)&lt;/script&gt;")
                .contains("&lt;img src=x onerror=alert(&#39;stem&#39;)&gt;")
                .contains("&lt;svg onload=alert(&#39;user&#39;)&gt;")
                .contains("javascript:alert(&#39;referer&#39;)");
        // The only scripts on the page are Vigil's own files.
        assertThat(detail.split("<script", -1)).hasSize(3);
    }

    /** Safe by default: templates never render unescaped text, inline scripts, inline styles or event handlers. */
    @Test
    void templatesUseOnlyEscapedOutputAndNoInlineCode() throws IOException {
        Path templates = Path.of("src/main/resources/templates");
        try (Stream<Path> files = Files.walk(templates)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".html")).toList()) {
                String html = Files.readString(f);
                assertThat(html)
                        .as(f.toString())
                        .doesNotContain("th:utext", "[(", "style=", "javascript:")
                        .doesNotContainPattern("\\son[a-z]+=")
                        .doesNotContainPattern("<script(?![^>]*\\s(th:)?src=)[^>]*>")
                        .doesNotContainPattern("<style")
                        .doesNotContainPattern("th:(href|src|action)=\"\\$\\{");
            }
        }
    }
}
