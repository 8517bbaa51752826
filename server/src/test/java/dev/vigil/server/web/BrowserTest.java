package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.VigilServerTest;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The web UI in a real browser (Debian's {@code chromium} driven by Playwright for Java, set up by
 * {@link BrowserTestSupport}): signing in and out, an alert from intake, keyboard navigation, log data with HTML and
 * script in it rendered as text, and Swagger UI. Every page is also checked for Content-Security-Policy violations and
 * script errors.
 */
@VigilServerTest
class BrowserTest extends BrowserTestSupport {
    private String user(String role) {
        return user("browser-" + role + "-", "Browser " + role, Set.of(role));
    }

    @Test
    void anAnalystSignsInSeesAnAlertFromIntakeOpensItAndSignsOut() {
        TestApi admin = TestApi.admin(port);
        String source = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIntake.webSource(admin, source);
        String alertId = TestIntake.raise(
                admin,
                source,
                token,
                "{\"c-ip\":\"198.51.100.77\",\"cs-method\":\"GET\",\"cs-uri-stem\":\"/products\","
                        + "\"cs-uri-query\":\"id=1 union select password from users\",\"sc-status\":200}");

        signIn(user("analyst"), PASSWORD);
        page.locator("#widget-alerts svg.chart").waitFor(); // loaded by htmx
        page.locator("#widget-intake table").waitFor();
        assertThat(page.locator("nav[aria-label=Main]").textContent())
                .contains("Alerts", "Rules", "Sources")
                .doesNotContain("Users and teams", "Audit log");
        shot("1-dashboard");

        page.getByRole(
                        com.microsoft.playwright.options.AriaRole.LINK,
                        new Page.GetByRoleOptions().setName("Alerts").setExact(true))
                .click();
        page.waitForURL(base() + "/alerts");
        page.navigate(base() + "/alerts?source=" + source);
        assertThat(page.locator("table.list tbody tr").count()).isEqualTo(1);
        assertThat(page.locator("table.list tbody tr").textContent())
                .contains("high", "SQL Injection Attempt In Request");
        shot("2-alerts");

        // Keyboard only: the first Tab reaches the skip link, Enter moves focus to the content, Tab walks on to the
        // alert's link and Enter opens it.
        page.keyboard().press("Tab");
        assertThat(page.evaluate("() => document.activeElement.textContent.trim()"))
                .isEqualTo("Skip to the content");
        page.keyboard().press("Enter");
        assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("main");
        boolean reached = false;
        for (int i = 0; i < 40 && !reached; i++) {
            page.keyboard().press("Tab");
            reached =
                    Boolean.TRUE.equals(page.evaluate("() => document.activeElement.classList.contains('alert-link')"));
        }
        assertThat(reached).as("the alert link is reachable with Tab").isTrue();
        page.keyboard().press("Enter");
        page.waitForURL(base() + "/alerts/" + alertId);
        assertThat(page.locator("h1").textContent()).isEqualTo("SQL Injection Attempt In Request");
        assertThat(page.locator("pre.event code").first().textContent()).contains("union select password from users");
        assertThat(page.locator("dl.facts").textContent()).contains(source, "initial-access");
        shot("3-alert");

        button("Sign out").click();
        page.waitForURL(base() + "/login?signed-out");
        assertThat(page.locator("main").textContent()).contains("You are signed out");
        shot("4-signed-out");
        page.navigate(base() + "/alerts");
        assertThat(page.url()).endsWith("/login");

        assertThat(problems)
                .as("console errors (CSP violations, script errors)")
                .isEmpty();
        assertThat(dialogs).isEmpty();
    }

    @Test
    void htmlAndScriptPayloadsInLogDataRenderAsTextInTheBrowser() {
        TestApi admin = TestApi.admin(port);
        String source = "browser-xss-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIntake.webSource(admin, source);
        String alertId = TestIntake.raise(admin, source, token, TestIntake.hostileWebEvent());

        signIn(user("viewer"), PASSWORD);
        page.navigate(base() + "/alerts?source=" + source);
        page.locator("a.alert-link").click();
        page.waitForURL(base() + "/alerts/" + alertId);
        page.locator("#main").waitFor();
        // An entity link built from log data points into Vigil, never to a javascript: URL.
        page.navigate(base() + "/alerts?entity="
                + java.net.URLEncoder.encode(
                        "<svg onload=alert('user')></svg>", java.nio.charset.StandardCharsets.UTF_8));
        page.navigate(base() + "/alerts/" + alertId);
        shot("1-hostile-alert");

        Object injected = page.evaluate("() => document.querySelectorAll("
                + "'img[src=\"x\"], svg[onload], main script, a[href^=\"javascript:\"], [onerror], [onload]').length");
        assertThat(((Number) injected).intValue())
                .as("elements injected from log data")
                .isZero();
        String event = page.locator("pre.event code").first().textContent();
        assertThat(event)
                .contains("<script>alert('query')</script>")
                .contains("\"><img src=x onerror=alert('stem')>")
                .contains("<svg onload=alert('user')></svg>")
                .contains("javascript:alert('referer')")
                .contains("</code></pre><script>alert('agent')</script>");
        assertThat(page.locator("dl.facts").count()).isEqualTo(1);
        assertThat(dialogs).as("dialogs opened by injected script").isEmpty();
        assertThat(problems).as("console errors").isEmpty();
    }

    @Test
    void swaggerUiWorksFromASignedInSession() {
        // The OpenAPI description is generated on first use, which takes tens of seconds on a loaded machine; ask
        // for it first (it is cached) so the page's own request does not race the browser's timeout.
        assertThat(TestApi.admin(port).get("/v3/api-docs").status()).isEqualTo(200);
        signIn("admin", VigilServerTest.ADMIN_PASSWORD);
        page.navigate(base() + "/swagger-ui/index.html");
        page.locator(".swagger-ui .info .title")
                .waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(90_000));
        page.locator(".opblock-summary-path").first().waitFor();
        assertThat(page.locator(".swagger-ui").first().textContent()).contains("/api/v1/alerts");
        shot("1-swagger");
    }
}
