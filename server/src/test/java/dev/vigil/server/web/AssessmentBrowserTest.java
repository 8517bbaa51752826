package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.server.governance.GovernanceService;
import dev.vigil.server.governance.ProcessRequest;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Acceptance of issue 10 in a real browser (Debian chromium through Playwright, set up by {@link BrowserTestSupport}):
 * a signed-in user opens the SAMM assessment and follows an evidence link to the process it points at; the process
 * page shows the documentation. Markdown with HTML in it shows as text (nothing injected), and the pages raise no CSP errors.
 */
@VigilServerTest
class AssessmentBrowserTest extends BrowserTestSupport {
    @Autowired
    GovernanceService governance;

    @Override
    String screenshotPrefix() {
        return "assessment-";
    }

    @Test
    void theAssessmentLinksToItsEvidence() {
        String key = "detection-browser-" + UUID.randomUUID().toString().substring(0, 6);
        if (governance.processes().stream().noneMatch(p -> p.kind().id().equals("detection"))) {
            governance.createProcess(
                    new ProcessRequest(key, "Incident detection", "detection", "admin", "on-call", null));
            governance.publishDocument(key, "# Detection\n\n<script>alert('md')</script>\n\n- watch alerts\n", "v1");
        }
        page.setDefaultTimeout(60_000);
        signIn("admin", VigilServerTest.ADMIN_PASSWORD);

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Assessment"))
                .click();
        page.waitForURL(u -> URI.create(u).getPath().equals("/assessment"));
        assertThat(page.locator("h1").textContent()).isEqualTo("SAMM Incident Management self-assessment");
        assertThat(page.locator("article.question").count()).isEqualTo(6);
        assertThat(page.locator("#IM2-A h2").textContent())
                .contains("Do you follow a documented process for incident detection?");
        shot("1");

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
        shot("2-evidence");
        if (shownKey.equals(key)) {
            assertThat(page.locator("article.document").textContent()).contains("<script>alert('md')</script>");
            assertThat(page.locator("article.document li").first().textContent())
                    .isEqualTo("watch alerts");
        }
        assertThat(dialogs).as("dialogs opened by injected script").isEmpty();
        assertThat(problems).as("console errors").isEmpty();
    }
}
