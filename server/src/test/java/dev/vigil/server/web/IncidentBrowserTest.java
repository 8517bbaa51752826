package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.VigilServerTest;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Handling one incident in a real browser (Debian {@code chromium} through Playwright), from the alert to closed with
 * a root-cause analysis: an SQL-injection event at intake raises an alert, triage opens an incident with the web
 * application compromise playbook; a responder finds it from the alert, acknowledges it, writes to the timeline, keeps
 * the alert's event as evidence, works the playbook's tasks, sets the record's fields the playbook requires, is refused
 * closing while the RCA is missing, writes the RCA, resolves and closes it. Screenshots go to
 * {@code server/target/screenshots/}; every page is checked for CSP violations and script errors.
 */
@VigilServerTest
class IncidentBrowserTest {
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    IncidentService incidents;

    BrowserContext context;
    Page page;
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<String> dialogs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void launch() {
        TestChromium.requireOrSkip();
        playwright = TestChromium.playwright();
        browser = TestChromium.launch(playwright);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openPage() throws Exception {
        Files.createDirectories(BrowserTest.SCREENSHOTS);
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
        page = context.newPage();
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
        if (context != null) {
            context.close();
        }
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(BrowserTest.SCREENSHOTS.resolve("incident-" + name + ".png"))
                .setFullPage(true));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Locator button(String name) {
        return page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** Clicks a submit button and waits for the page it leads to (redirects followed). */
    private void submit(Locator submitButton) {
        page.waitForNavigation(submitButton::click);
    }

    private String notice() {
        return page.locator("p.notice").textContent();
    }

    @Test
    void aResponderHandlesAnIncidentFromTheAlertToClosedWithAnRca() {
        TestApi admin = TestApi.admin(port);
        String source = "ir-browser-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIntake.webSource(admin, source);
        String alertId = TestIntake.raise(
                admin,
                source,
                token,
                "{\"c-ip\":\"198.51.100.23\",\"cs-method\":\"GET\",\"cs-uri-stem\":\"/orders\","
                        + "\"cs-uri-query\":\"id=1 union select card from payments\",\"sc-status\":200}");
        UUID incidentId = await().atMost(Duration.ofSeconds(60))
                .until(() -> incidents.incidentOf(UUID.fromString(alertId)).orElse(null), id -> id != null);
        Incident created = incidents.get(incidentId).orElseThrow();
        String ref = created.reference();

        String name = "responder-" + UUID.randomUUID().toString().substring(0, 6);
        users.create(new UserRequest(name, "Rita Responder", null, Set.of("responder"), true, "browser-password-1"));
        page.navigate(base() + "/");
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill("browser-password-1");
        submit(button("Sign in"));
        assertThat(java.net.URI.create(page.url()).getPath()).isEqualTo("/");

        // From the alert to its incident.
        page.navigate(base() + "/alerts/" + alertId);
        submit(page.locator("a.incident-link"));
        assertThat(page.url()).isEqualTo(base() + "/incidents/" + ref);
        assertThat(page.locator("h1").textContent()).contains(ref, "SQL Injection");
        assertThat(page.locator("#incident-status").textContent()).isEqualTo("new");
        shot("1-new");

        // The list shows it with its severity.
        page.navigate(base() + "/incidents?q=" + ref);
        assertThat(page.locator("table.incidents tbody tr").count()).isEqualTo(1);
        assertThat(page.locator("table.incidents tbody tr").textContent())
                .contains(ref, created.severity().id());
        shot("2-list");
        submit(page.locator("a.incident-link"));
        assertThat(page.url()).isEqualTo(base() + "/incidents/" + ref);

        // Acknowledge.
        submit(button("Mark acknowledged"));
        assertThat(page.locator("#incident-status").textContent()).isEqualTo("acknowledged");

        // The war room: a communication on the timeline, the alert's event kept as evidence.
        Locator entry = page.locator("#timeline-form");
        entry.locator("select[name=kind]").selectOption("communication");
        entry.locator("input[name=summary]").fill("Told the shop owner the payment API is under attack");
        entry.locator("input[name=audience]").fill("Shop owner");
        entry.locator("input[name=channel]").fill("phone");
        submit(button("Add to the timeline"));
        assertThat(page.locator("table.timeline").textContent())
                .contains("Told the shop owner the payment API is under attack", "Shop owner", "phone");
        submit(button("Keep the alert's event as evidence"));
        assertThat(notice()).contains("SHA-256");
        assertThat(page.locator("table.evidence tbody tr").count()).isEqualTo(1);
        submit(page.locator("table.evidence a").first());
        assertThat(page.locator("table.custody").textContent()).contains("collected");
        page.navigate(base() + "/incidents/" + ref);

        // Contain, then work every task of the playbook.
        submit(button("Mark contained"));
        assertThat(page.locator("#incident-status").textContent()).isEqualTo("contained");
        int tasks = page.locator("table.tasks tbody tr").count();
        assertThat(tasks).as("tasks from the playbook").isPositive();
        while (page.locator("table.tasks button[value=complete]").count() > 0) {
            submit(page.locator("table.tasks button[value=complete]").first());
        }
        assertThat(page.locator("table.tasks td span.state:text-is('open')").count())
                .isZero();
        shot("3-tasks-done");

        // Resolve, then try to close: the RCA (and the fields the playbook requires) are missing.
        submit(button("Mark resolved"));
        assertThat(page.locator("#closure-blockers").textContent()).contains("root-cause analysis");
        submit(button("Mark closed"));
        assertThat(page.locator("h1").textContent()).isEqualTo("That did not work");
        assertThat(page.locator("main").textContent()).contains("root-cause analysis");
        // The refusal is a 400 page; the browser logs it as a failed load, which is expected here.
        problems.removeIf(p -> p.contains("status of 400"));
        page.navigate(base() + "/incidents/" + ref);

        // The record: outcome, application, an observable.
        page.locator("details:has(#record-form) > summary").click();
        page.locator("#f-outcome").selectOption("true-positive-without-impact");
        page.locator("#f-applications").fill("web-shop");
        submit(button("Save the record"));
        Locator observable = page.locator("form:has(button:text-is('Add the observable'))");
        observable.locator("input[name=kind]").fill("ip");
        observable.locator("input[name=value]").fill("198.51.100.23");
        observable.locator("input[name=ioc]").check();
        submit(button("Add the observable"));

        // Notifications the obligations require (none are late: the deadlines are hours away).
        while (page.locator("form.submission").count() > 0) {
            Locator s = page.locator("form.submission").first();
            s.locator("input[name=to]").fill("Data protection officer");
            s.locator("input[name=what]").fill("Initial notification");
            submit(s.locator("button"));
        }

        // The root-cause analysis.
        page.locator("#rca-summary").fill("A search parameter reached SQL unescaped in the orders API.");
        page.getByLabel("Cause 1", new Page.GetByLabelOptions().setExact(true))
                .fill("String-built SQL in OrderRepository.search");
        page.getByLabel("Category of cause 1").selectOption("technology");
        page.locator("#rca-factors").fill("No WAF rule for the orders API\nNo SAST in the pipeline");
        page.getByLabel("Corrective action 1", new Page.GetByLabelOptions().setExact(true))
                .fill("Use bind parameters throughout OrderRepository");
        page.getByLabel("Owner of action 1").fill("shop-dev");
        page.getByLabel("Due date of action 1")
                .fill(LocalDate.now().plusDays(14).toString());
        page.locator("#rca-lessons").fill("Review every repository for string-built SQL.");
        submit(button("Save and mark complete"));
        assertThat(notice()).isEqualTo("Root-cause analysis completed.");
        shot("4-rca");

        // Close.
        assertThat(page.locator("#closure-blockers").count()).isZero();
        submit(button("Mark closed"));
        assertThat(page.locator("#incident-status").textContent()).isEqualTo("closed");
        assertThat(page.locator("table.timeline").textContent()).contains("closed");
        shot("5-closed");

        Incident closed = incidents.get(incidentId).orElseThrow();
        assertThat(closed.closedAt()).isNotNull();
        assertThat(closed.acknowledgedAt()).isNotNull();
        assertThat(closed.containedAt()).isNotNull();
        assertThat(closed.finalClassification()).isNotNull();

        // The report has the RCA and the communication.
        String report = admin.get("/api/v1/incidents/" + ref + "/report.md").body();
        assertThat(report).contains("String-built SQL in OrderRepository.search", "Told the shop owner", "Shop owner");

        assertThat(problems)
                .as("console errors (CSP violations, script errors)")
                .isEmpty();
        assertThat(dialogs).isEmpty();
    }
}
