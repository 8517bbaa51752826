package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Acceptance of issue 10 in a real browser (Debian chromium through Playwright, as {@link BrowserTest}): a signed-in
 * user opens the SAMM assessment and follows an evidence link to the process it points at; the process page shows
 * the documentation. Markdown with HTML in it shows as text (nothing injected), and the pages raise no CSP errors.
 */
@VigilServerTest
class AssessmentBrowserTest {
    @LocalServerPort
    int port;

    @Autowired
    GovernanceService governance;

    @Test
    void theAssessmentLinksToItsEvidence() throws Exception {
        TestChromium.requireOrSkip();
        String key = "detection-browser-" + UUID.randomUUID().toString().substring(0, 6);
        if (governance.processes().stream().noneMatch(p -> p.kind().id().equals("detection"))) {
            governance.createProcess(
                    new ProcessRequest(key, "Incident detection", "detection", "admin", "on-call", null));
            governance.publishDocument(key, "# Detection\n\n<script>alert('md')</script>\n\n- watch alerts\n", "v1");
        }
        Files.createDirectories(BrowserTest.SCREENSHOTS);
        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> dialogs = new CopyOnWriteArrayList<>();
        try (Playwright playwright = TestChromium.playwright();
                Browser browser = TestChromium.launch(playwright)) {
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900))
                    .newPage();
            page.setDefaultTimeout(60_000);
            page.onConsoleMessage(m -> {
                if (m.type().equals("error")) {
                    problems.add(m.text());
                }
            });
            page.onPageError(e -> problems.add("page error: " + e));
            page.onDialog(d -> {
                dialogs.add(d.message());
                d.dismiss();
            });
            String base = "http://127.0.0.1:" + port;
            page.navigate(base + "/");
            page.getByLabel("User name").fill("admin");
            page.getByLabel("Password").fill(VigilServerTest.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                    .click();
            page.waitForURL(u -> URI.create(u).getPath().equals("/"));

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Assessment"))
                    .click();
            page.waitForURL(u -> URI.create(u).getPath().equals("/assessment"));
            assertThat(page.locator("h1").textContent()).isEqualTo("SAMM Incident Management self-assessment");
            assertThat(page.locator("article.question").count()).isEqualTo(6);
            assertThat(page.locator("#IM2-A h2").textContent())
                    .contains("Do you follow a documented process for incident detection?");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(BrowserTest.SCREENSHOTS.resolve("assessment-1.png"))
                    .setFullPage(true));

            Locator evidence = page.locator("#IM2-A a.evidence[href^='/governance/processes/']")
                    .first();
            String href = evidence.getAttribute("href");
            evidence.click();
            page.waitForURL(u -> URI.create(u).getPath().equals(href));
            String shownKey = href.substring("/governance/processes/".length());
            assertThat(governance.process(shownKey)).isPresent();
            assertThat(page.locator("h1").textContent())
                    .isEqualTo(governance.process(shownKey).orElseThrow().title());
            assertThat(page.locator("#documentation").count()).isEqualTo(1);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(BrowserTest.SCREENSHOTS.resolve("assessment-2-evidence.png"))
                    .setFullPage(true));
            if (shownKey.equals(key)) {
                assertThat(page.locator("article.document").textContent()).contains("<script>alert('md')</script>");
                assertThat(page.locator("article.document li").first().textContent())
                        .isEqualTo("watch alerts");
            }
            assertThat(dialogs).as("dialogs opened by injected script").isEmpty();
            assertThat(problems).as("console errors").isEmpty();
        }
    }
}
