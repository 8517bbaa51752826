package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every browser test shares: Debian's {@code chromium} driven by Playwright for Java (no browser download), one
 * browser for the test class, a fresh context (profile, cookies) and page per test. Every page records console errors
 * (CSP violations, script errors) in {@link #problems} and dismisses dialogs into {@link #dialogs}, so a test can
 * assert that log data injected nothing. Screenshots go to {@code server/target/screenshots/}. Without chromium the
 * tests are skipped with a notice, except under {@code CI}, where that is a failure ({@link TestChromium}).
 *
 * <p>Subclasses carry {@code @VigilServerTest} themselves (and nothing else that changes the context), so they share
 * the one Spring context of the suite.
 */
abstract class BrowserTestSupport {
    /** The password of the users {@link #user} creates. */
    static final String PASSWORD = "browser-password-1";

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static Playwright playwright;
    private static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    BrowserContext browserContext;
    Page page;
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<String> dialogs = new CopyOnWriteArrayList<>();
    String testName;

    @BeforeAll
    static void launchBrowser() {
        TestChromium.requireOrSkip();
        playwright = TestChromium.playwright();
        browser = TestChromium.launch(playwright);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (playwright != null) {
            playwright.close();
            playwright = null;
        }
    }

    @BeforeEach
    void openPage(TestInfo info) throws Exception {
        testName = info.getTestMethod().orElseThrow().getName();
        Files.createDirectories(SCREENSHOTS);
        browserContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
        page = browserContext.newPage();
        page.setDefaultTimeout(30_000);
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
    }

    @AfterEach
    void closePage() {
        if (browserContext != null) {
            browserContext.close();
        }
    }

    /** The prefix of this class's screenshot files; by default the test method's name and a dash. */
    String screenshotPrefix() {
        return testName + "-";
    }

    /** A full-page screenshot named {@code <prefix><name>.png}. */
    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(screenshotPrefix() + name + ".png"))
                .setFullPage(true));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The button of exactly this accessible name. */
    Locator button(String name) {
        return page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** Clicks a submit button (or link) and waits for the page it leads to (redirects followed). */
    void submit(Locator submitButton) {
        page.waitForNavigation(submitButton::click);
    }

    /** A new enabled user {@code <prefix><random>} with these roles and {@link #PASSWORD}; returns its name. */
    String user(String namePrefix, String displayName, Set<String> roles) {
        String name = namePrefix + UUID.randomUUID().toString().substring(0, 8);
        users.create(new UserRequest(name, displayName, null, roles, true, PASSWORD));
        return name;
    }

    /**
     * Signs in through the login form: the dashboard sends an anonymous browser to the login page, and after signing in
     * back to the dashboard ({@code /?continue} from the request cache).
     */
    void signIn(String username, String password) {
        page.navigate(base() + "/");
        assertThat(page.url()).endsWith("/login");
        page.getByLabel("User name").fill(username);
        page.getByLabel("Password").fill(password);
        submit(button("Sign in"));
        page.waitForURL(u -> URI.create(u).getPath().equals("/"));
        assertThat(page.locator("h1").textContent()).isEqualTo("Dashboard");
    }
}
