package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.oncall.Severity;
import dev.vigil.server.oncall.internal.EscalationDriver;
import dev.vigil.server.testing.RecordingChannel;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * On-call in a real browser (Debian {@code chromium} through Playwright): an administrator creates a schedule (a daily
 * rotation in Europe/Berlin) and sees it in the calendar, adds an override, is refused an invalid escalation policy
 * with the reason shown, creates a valid one (the schedule's on-call person, then a second person), edits a person's
 * notification rules; the team is paged, the page appears in the page history filtered by its incident with the
 * notification delivered, the administrator acknowledges it from the page and the escalation stops (moving the
 * escalation 25 minutes ahead notifies nobody else).
 */
@VigilServerTest
class OnCallBrowserTest extends BrowserTestSupport {
    @Autowired
    ChannelService channels;

    @Autowired
    RecordingChannel recorder;

    @Autowired
    PagingService paging;

    @Autowired
    ApplicationContext context;

    @Override
    String screenshotPrefix() {
        return "oncall-";
    }

    private Locator field(String name) {
        return page.locator("[name='" + name + "']");
    }

    private String person(TestApi api, String name) {
        TestApi.Response r = api.postJson(
                "/api/v1/oncall/people", "{\"name\":\"" + name + "\",\"email\":null,\"timeZone\":\"Europe/Berlin\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("userId").asString();
    }

    @Test
    void anAdministratorSetsUpOnCallPagesTheTeamAndAcknowledgesFromThePageHistory() {
        TestApi api = TestApi.admin(port);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String alice = person(api, "Alice " + tag);
        String bob = person(api, "Bob " + tag);
        String aliceAddress = "alice-" + tag;
        String bobAddress = "bob-" + tag;
        UUID aliceChannel = channels.create(new ChannelRequest(
                        UUID.fromString(alice), "Alice's phone", "test-record", aliceAddress, null, true))
                .id();
        UUID bobChannel = channels.create(
                        new ChannelRequest(UUID.fromString(bob), "Bob's phone", "test-record", bobAddress, null, true))
                .id();
        assertThat(api.putJson(
                                "/api/v1/oncall/people/" + bob + "/rules",
                                "{\"defaultRules\":[{\"channelId\":\"" + bobChannel + "\",\"delayMinutes\":0}]}")
                        .status())
                .isEqualTo(200);
        String teamName = "Blue team " + tag;
        TestApi.Response team = api.postJson(
                "/api/v1/oncall/teams",
                "{\"name\":\"" + teamName + "\",\"members\":[\"" + alice + "\",\"" + bob
                        + "\"],\"timeZone\":\"Europe/Berlin\"}");
        assertThat(team.status()).as(team.toString()).isEqualTo(201);
        String teamId = team.json().get("id").asString();

        signIn("admin", VigilServerTest.ADMIN_PASSWORD);

        // Alice's notification rules, from the UI
        page.navigate(base() + "/oncall/people/" + alice);
        field("default0.channel").selectOption(aliceChannel.toString());
        field("default0.delay").fill("0");
        submit(button("Save rules"));
        assertThat(page.locator("p.notice").textContent()).contains("Notification rules saved");
        assertThat(field("default0.channel").inputValue()).isEqualTo(aliceChannel.toString());

        // a schedule: Alice daily from a week ago, in Berlin time
        page.navigate(base() + "/oncall");
        submit(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New schedule")));
        String scheduleName = "Primary " + tag;
        field("name").fill(scheduleName);
        field("timeZone").fill("Europe/Berlin");
        field("teamId").selectOption(teamId);
        field("layer0.name").fill("weekdays and nights");
        field("layer0.rotation").selectOption("daily");
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Berlin"));
        field("layer0.start").fill(today.minusDays(7) + "T09:00");
        field("layer0.participants").fill("Alice " + tag);
        submit(button("Save schedule"));
        assertThat(page.locator("p.notice").textContent()).contains("Schedule " + scheduleName + " saved");
        String scheduleId = URI.create(page.url()).getPath().replace("/oncall/schedules/", "");
        assertThat(page.locator("dd.zone").textContent()).isEqualTo("Europe/Berlin");
        assertThat(page.locator("table.calendar caption").textContent()).contains("Europe/Berlin");
        assertThat(page.locator("table.calendar li.segment.layer").first().textContent())
                .contains("Alice " + tag);
        assertThat(page.locator("dd.on-call-now").textContent()).isEqualTo("Alice " + tag);

        // an override for Bob tomorrow, from the UI: the calendar marks it
        field("kind").selectOption("override");
        field("userId").selectOption(bob);
        field("start").fill(today.plusDays(1) + "T09:00");
        field("end").fill(today.plusDays(1) + "T17:00");
        field("reason").fill("covering <b>Alice</b>");
        submit(button("Add override"));
        assertThat(page.locator("p.notice").textContent()).contains("Override added");
        Locator overrideSegment = page.locator("table.calendar li.segment.override");
        assertThat(overrideSegment.first().textContent()).contains("09:00–17:00", "Bob " + tag, "(override)");
        assertThat(page.locator("table.list").last().textContent()).contains("covering <b>Alice</b>");
        shot("calendar");

        // an escalation policy: first refused (a notify step without targets), then saved
        page.navigate(base() + "/oncall/policies/new");
        String policyName = "Blue escalation " + tag;
        field("name").fill(policyName);
        field("teamId").selectOption(teamId);
        field("ackTimeout").fill("20");
        field("step0.type").selectOption("notify");
        submit(button("Save policy"));
        assertThat(page.locator("p.error").textContent()).contains("step 1: a notify step needs targets");
        assertThat(field("name").inputValue()).isEqualTo(policyName);
        field("step0.targets").selectOption("schedule:" + scheduleId);
        field("step1.type").selectOption("notify");
        field("step1.targets").selectOption("user:" + bob);
        submit(button("Save policy"));
        assertThat(page.locator("p.notice").textContent()).contains("Escalation policy " + policyName + " saved");
        shot("policy");

        // page the team; Alice (on call in the schedule) is notified
        String incident = UUID.randomUUID().toString();
        UUID pageId = paging.pageTeam(
                teamName,
                new PageRequest(
                        "incident", incident, "Ransomware on <i>fileserver</i>", null, Severity.HIGH, null, null));
        assertThat(paging.get(pageId).orElseThrow().policy().name()).isEqualTo(policyName);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !recorder.sentTo(aliceAddress).isEmpty());

        // the page history, filtered by the incident as the incident page links to it
        page.navigate(base() + "/oncall/pages?incident=" + incident);
        assertThat(page.locator("table.pages tbody tr").count()).isEqualTo(1);
        submit(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Ransomware on <i>fileserver</i>")));
        assertThat(page.locator("h1").textContent()).isEqualTo("Ransomware on <i>fileserver</i>");
        assertThat(page.locator("#page-status").textContent()).isEqualTo("triggered");
        assertThat(page.locator("table.deliveries").textContent()).contains("Alice " + tag, "Alice's phone");
        assertThat(page.locator("table.page-log").textContent()).contains("escalated");
        submit(button("Acknowledge"));
        assertThat(page.locator("#page-status").textContent()).isEqualTo("acknowledged");
        assertThat(page.locator("dl.facts").textContent()).contains("admin at");
        assertThat(page.locator("#next-action").textContent()).isEqualTo("—");
        shot("page");

        // the escalation stopped: 25 minutes later (past the 20-minute timeout) nobody else is notified
        EscalationDriver.advance(context, pageId, java.time.Instant.now().plus(Duration.ofMinutes(25)));
        assertThat(recorder.sentTo(bobAddress)).isEmpty();
        assertThat(paging.history(pageId).orElseThrow().log().stream()
                        .filter(e -> e.kind().equals("escalated"))
                        .count())
                .isEqualTo(1);

        // resolve from the UI
        submit(button("Resolve"));
        assertThat(page.locator("#page-status").textContent()).isEqualTo("resolved");
        assertThat(problems).isEmpty();
    }
}
