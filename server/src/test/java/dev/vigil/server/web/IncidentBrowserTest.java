package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Handling one incident in a real browser (Debian {@code chromium} through Playwright), from the alert to closed with
 * a root-cause analysis: an SQL-injection event at intake raises an alert, triage opens an incident with the web
 * application compromise playbook; a responder finds it from the alert, acknowledges it, writes to the timeline, keeps
 * the alert's event as evidence, works the playbook's tasks, sets the record's fields the playbook requires, is refused
 * closing while the RCA is missing, writes the RCA, resolves and closes it. Screenshots go to
 * {@code server/target/screenshots/}; every page is checked for CSP violations and script errors.
 */
@VigilServerTest
class IncidentBrowserTest extends BrowserTestSupport {
    @Autowired
    IncidentService incidents;

    @Autowired
    dev.vigil.server.oncall.PagingService paging;

    @Override
    String screenshotPrefix() {
        return "incident-";
    }

    private String notice() {
        return page.locator("p.notice").textContent();
    }

    private void signIn(Set<String> roles) {
        signIn(user("ir-", "Robin Responder", roles), PASSWORD);
    }

    /** An SQL-injection alert from a client address of its own; returns the incident it landed in. */
    private Incident incidentFromAlert(TestApi admin, String source, String token, String clientIp) {
        return incidents
                .get(incidents.incidentOf(alert(admin, source, token, clientIp)).orElseThrow())
                .orElseThrow();
    }

    private UUID alert(TestApi admin, String source, String token, String clientIp) {
        String alertId = TestIntake.raise(
                admin,
                source,
                token,
                "{\"c-ip\":\"" + clientIp + "\",\"cs-method\":\"GET\",\"cs-uri-stem\":\"/orders\","
                        + "\"cs-uri-query\":\"id=1 union select card from payments\",\"sc-status\":200}");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> incidents.incidentOf(UUID.fromString(alertId)).orElse(null), x -> x != null);
        return UUID.fromString(alertId);
    }

    @Test
    void mergingTwoIncidentsAndSplittingOneBackOutInTheWarRoom() {
        TestApi admin = TestApi.admin(port);
        String source = "ir-merge-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIntake.webSource(admin, source);
        Incident a = incidentFromAlert(admin, source, token, "203.0.113.71");
        // A second source: TestIntake.raise returns the first alert of a source.
        String source2 = source + "-2";
        UUID second = alert(admin, source2, TestIntake.webSource(admin, source2), "203.0.113.72");
        // Depending on the grouping key the second alert may join the first incident: then it gets one of its own.
        Incident b = incidents.incidentOf(second).orElseThrow().equals(a.id())
                ? incidents.promote(second)
                : incidents.get(incidents.incidentOf(second).orElseThrow()).orElseThrow();
        a = incidents.get(a.id()).orElseThrow();
        assertThat(a.id()).isNotEqualTo(b.id());
        signIn(Set.of("responder"));

        // Merge B into A from A's page.
        page.navigate(base() + "/incidents/" + a.reference());
        Locator merge = page.locator("#merge-form");
        merge.locator("input[name=other]").fill(b.reference());
        merge.locator("select[name=direction]").selectOption("into-this");
        merge.locator("input[name=note]").fill("same attacker, two addresses");
        submit(merge.locator("button"));
        assertThat(page.url()).isEqualTo(base() + "/incidents/" + a.reference());
        assertThat(notice()).isEqualTo(b.reference() + " merged into " + a.reference() + ".");
        assertThat(page.locator("table.alerts tbody tr").count()).isEqualTo(2);
        assertThat(page.locator("table.related").textContent()).contains(b.reference(), "merged");
        shot("6-merged");
        page.navigate(base() + "/incidents/" + b.reference());
        assertThat(page.locator("#incident-status").textContent()).isEqualTo("merged");
        assertThat(page.locator("#merge-form").count())
                .as("a merged incident is not merged again")
                .isZero();

        // Split the alert that came from B back out into a new incident.
        page.navigate(base() + "/incidents/" + a.reference());
        page.locator("table.alerts input[name=alert][value='" + second + "']").check();
        page.locator("input[name=title][form=split-form]").fill("Second address, handled apart");
        submit(button("Split the ticked alerts into a new incident"));
        String splitRef = page.locator("h1 span").first().textContent();
        assertThat(splitRef).isNotIn(a.reference(), b.reference());
        assertThat(notice()).isEqualTo("1 alert(s) split out of " + a.reference() + " into " + splitRef + ".");
        assertThat(page.locator(".incident-title").textContent()).isEqualTo("Second address, handled apart");
        assertThat(page.locator("table.alerts tbody tr").count()).isEqualTo(1);
        assertThat(page.locator("table.related").textContent()).contains(a.reference());
        page.navigate(base() + "/incidents/" + a.reference());
        assertThat(page.locator("table.alerts tbody tr").count()).isEqualTo(1);

        // Link A and the split incident as related too, then remove that link again (the split link stays).
        Locator link = page.locator("#link-form");
        link.locator("input[name=other]").fill(splitRef);
        link.locator("input[name=note]").fill("same campaign");
        submit(link.locator("button"));
        assertThat(notice()).isEqualTo(a.reference() + " linked with " + splitRef + ".");
        assertThat(page.locator("table.related tbody tr:has-text('related')").textContent())
                .contains(splitRef);
        shot("7-split-and-linked");
        submit(page.locator("table.related button"));
        assertThat(notice()).isEqualTo("Link between " + a.reference() + " and " + splitRef + " removed.");
        assertThat(page.locator("table.related button").count()).isZero();
        assertThat(incidents.links(a.id())).anyMatch(l -> l.kind().equals("split"));

        assertThat(problems)
                .as("console errors (CSP violations, script errors)")
                .isEmpty();
        assertThat(dialogs).isEmpty();
    }

    @Test
    void thePagesOfAnIncidentShowWhoWasNotifiedAndCanBeAcknowledgedThere() {
        TestApi admin = TestApi.admin(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"Pia Pager " + suffix + "\",\"email\":\"pia-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}")
                .json()
                .path("userId")
                .asString();
        String team = "ir-browser-team-" + suffix;
        String teamId = admin.postJson(
                        "/api/v1/oncall/teams", "{\"name\":\"" + team + "\",\"members\":[\"" + person + "\"]}")
                .json()
                .path("id")
                .asString();
        assertThat(admin.postJson(
                                "/api/v1/oncall/policies",
                                "{\"name\":\"" + team + "-policy\",\"teamId\":\"" + teamId + "\",\"repeat\":0,"
                                        + "\"steps\":[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\""
                                        + person + "\"}]}]}")
                        .status())
                .isEqualTo(201);
        String ref = admin.postJson(
                        "/api/v1/incidents",
                        "{\"title\":\"Pager check <b>" + suffix + "</b>\",\"severity\":\"critical\",\"priority\":1,"
                                + "\"owningTeam\":\"" + team + "\"}")
                .json()
                .path("reference")
                .asString();
        UUID id = incidents.find(ref).orElseThrow().id();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !paging.pagesFor("incident", id.toString()).isEmpty());
        signIn(Set.of("responder"));

        page.navigate(base() + "/incidents/" + ref + "#pages");
        Locator pages = page.locator("table.pages");
        assertThat(pages.textContent()).contains(ref + ": Pager check <b>", "triggered", "Pia Pager " + suffix);
        assertThat(page.locator("a.oncall-history").getAttribute("href")).isEqualTo("/oncall/pages?incident=" + id);
        shot("9-pages");
        submit(pages.locator("button:text-is('Acknowledge')"));
        assertThat(notice()).isEqualTo("Page acknowledged.");
        assertThat(page.locator("table.pages").textContent()).contains("acknowledged");
        assertThat(page.locator("table.pages button").count()).isZero();
        // The page's acknowledgement acknowledges the new incident (the incident module listens to on-call).
        await().atMost(Duration.ofSeconds(60))
                .until(() -> incidents.get(id).orElseThrow().status().id().equals("acknowledged"));

        assertThat(problems)
                .as("console errors (CSP violations, script errors)")
                .isEmpty();
        assertThat(dialogs).isEmpty();
    }

    @Test
    void anObligationTemplateAndACalendarEditedInTheUiMoveTheDeadlineOfAnIncident() {
        TestApi admin = TestApi.admin(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ref = admin.postJson(
                        "/api/v1/incidents",
                        "{\"title\":\"Contract notice check " + suffix + "\",\"severity\":\"low\",\"priority\":4}")
                .json()
                .path("reference")
                .asString();
        Incident incident = incidents.find(ref).orElseThrow();
        LocalDate anchorDay =
                incident.anchor("awareness").atZone(java.time.ZoneOffset.UTC).toLocalDate();
        signIn(Set.of("responder", "analyst"));

        // A calendar without weekend whose holiday is the day after the anchor.
        String cal = "bt-" + suffix;
        page.navigate(base() + "/incidents/settings#calendars");
        page.locator("#new-calendar > summary").click();
        Locator calendar = page.locator("#new-calendar form");
        calendar.locator("input[name=key]").fill(cal);
        calendar.locator("input[name=name]").fill("Browser calendar " + suffix);
        calendar.locator("input[name=zone]").fill("UTC");
        calendar.locator("input[value=SATURDAY]").uncheck();
        calendar.locator("input[value=SUNDAY]").uncheck();
        calendar.locator("textarea[name=holidays]").fill(anchorDay.plusDays(1) + " company day");
        submit(button("Save the new calendar"));
        assertThat(notice()).contains("Calendar Browser calendar " + suffix + " saved");
        assertThat(page.locator("table.calendars").textContent())
                .contains(cal, anchorDay.plusDays(1).toString());

        // A new obligation: notify within 1 business day of that calendar.
        String key = "bt-" + suffix;
        page.locator("#new-obligation > summary").click();
        page.locator("#new-obligation-yaml")
                .fill("key: " + key + "\nname: Customer notice " + suffix + "\n"
                        + "stakeholder: customers\nstages:\n  - key: notice\n    name: Written notice\n"
                        + "    anchor: awareness\n    after: 1bd\n    calendar: " + cal + "\nactive: true\n");
        submit(button("Save the new obligation"));
        assertThat(notice()).isEqualTo("Obligation Customer notice " + suffix + " saved.");

        // Attached by hand: due at the end of the first business day after the anchor's day, skipping the holiday.
        page.navigate(base() + "/incidents/" + ref);
        Locator attach = page.locator("form:has(button:text-is('Attach'))");
        attach.locator("select[name=template]").selectOption(key);
        attach.locator("input[name=reason]").fill("contract with the customer");
        submit(attach.locator("button"));
        String firstDue = anchorDay.plusDays(2) + "T23:59:59Z";
        assertThat(page.locator("table.deadlines").textContent()).contains("Written notice", firstDue);

        // The template edited in the UI (2 business days) and applied to open incidents moves the deadline.
        page.navigate(base() + "/incidents/settings#obligations");
        page.locator("#obligation-" + key + " > summary").click();
        Locator yaml = page.locator("#obligation-yaml-" + key);
        assertThat(yaml.inputValue()).contains("after: 1bd");
        yaml.fill(yaml.inputValue().replace("after: 1bd", "after: 2bd"));
        Locator form = page.locator("#obligation-" + key + " form");
        form.locator("input[name=apply]").check();
        submit(form.locator("button"));
        assertThat(notice()).contains("Applied to 1 open incident obligation");
        page.navigate(base() + "/incidents/" + ref);
        String newDue = anchorDay.plusDays(3) + "T23:59:59Z";
        assertThat(page.locator("table.deadlines").textContent())
                .contains(newDue)
                .doesNotContain(firstDue);
        assertThat(page.locator("table.timeline").textContent())
                .contains("Notification obligation updated from its template", "Deadline moved");
        shot("8-template-applied");

        assertThat(problems)
                .as("console errors (CSP violations, script errors)")
                .isEmpty();
        assertThat(dialogs).isEmpty();
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

        signIn(user("responder-", "Rita Responder", Set.of("responder")), PASSWORD);

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
