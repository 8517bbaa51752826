package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.vigil.server.notify.ChannelRequest;
import dev.vigil.server.notify.ChannelService;
import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.OutOfBandChecks;
import dev.vigil.server.oncall.Rotation;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.testing.RecordingChannel;
import dev.vigil.server.testing.TestMail;
import dev.vigil.server.testing.VigilServerTest;
import jakarta.mail.internet.MimeMessage;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The out-of-band check (SAMM IM3-B) end to end: a person on call has an e-mail channel (delivered to GreenMail), a
 * pager (delivered, never confirmed) and a broken phone (permanent failure). The broken phone is a warning at once and
 * the team's fallback is told; the e-mail's signed link confirms receipt (GET changes nothing, POST confirms once, a
 * forged token is refused); moving the clock past the confirmation deadline turns the pager's test into an
 * "unconfirmed" warning, told to the fallback exactly once; the public read API shows all of it.
 */
@VigilServerTest
class OutOfBandCheckTest {
    @Autowired
    OutOfBandCheck check;

    @Autowired
    OutOfBandChecks checks;

    @Autowired
    OnCallStore store;

    @Autowired
    ChannelService channels;

    @Autowired
    RecordingChannel recorder;

    @Autowired
    OnCallProperties properties;

    private String status(UUID run, UUID channel) {
        return check.run(run).stream()
                .filter(r -> r.channelId().equals(channel))
                .map(OutOfBandChecks.Result::status)
                .findFirst()
                .orElse("missing");
    }

    private static HttpRequest post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    @Test
    void failedAndUnconfirmedTestsWarnTheFallbackAndAConfirmedOneClearsTheChannel() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String email = "oob-" + tag + "@example.org";
        UUID alice =
                store.savePerson(null, "Alice <b>" + tag + "</b>", email, "UTC").userId();
        UUID fallback = store.savePerson(null, "Fallback " + tag, null, "UTC").userId();
        UUID mail = channels.create(new ChannelRequest(alice, "Alice mail", "email", email, null, true))
                .id();
        UUID pager = channels.create(
                        new ChannelRequest(alice, "Alice pager", "test-record", "pager-" + tag, null, true))
                .id();
        UUID broken = channels.create(
                        new ChannelRequest(alice, "Alice old phone", "test-record", "fail-permanent", null, true))
                .id();
        channels.create(new ChannelRequest(fallback, "Fallback pager", "test-record", "fallback-" + tag, null, true));
        OnCallTeam team = store.saveTeam(
                null,
                new OnCallTeam(
                        null,
                        "OOB team " + tag,
                        List.of(alice),
                        ZoneId.of("UTC"),
                        List.of(),
                        null,
                        fallback,
                        null,
                        null,
                        null));
        store.saveSchedule(
                null,
                new Schedule(
                        null,
                        "OOB " + tag,
                        null,
                        ZoneId.of("UTC"),
                        team.id(),
                        null,
                        List.of(new Layer(
                                "all",
                                0,
                                Rotation.daily(),
                                LocalDateTime.now(ZoneOffset.UTC).minusDays(1),
                                null,
                                List.of(alice),
                                List.of(),
                                false)),
                        null,
                        null));

        Instant now = Instant.now();
        UUID run = check.run(now);
        assertThat(check.run(run)).extracting(OutOfBandChecks.Result::channelId).contains(mail, pager, broken);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> status(run, broken).equals("failed")
                        && status(run, mail).equals("ok")
                        && status(run, pager).equals("ok"));
        OutOfBandChecks.Result pagerResult = check.run(run).stream()
                .filter(r -> r.channelId().equals(pager))
                .findFirst()
                .orElseThrow();
        assertThat(pagerResult.confirmBy())
                .isAfter(now.plus(properties.check().confirmWithin()).minusSeconds(2));
        assertThat(checks.warnings())
                .anySatisfy(r -> {
                    assertThat(r.channelId()).isEqualTo(broken);
                    assertThat(r.status()).isEqualTo("failed");
                    assertThat(r.detail()).contains("permanent");
                })
                .noneMatch(r -> r.channelId().equals(pager) || r.channelId().equals(mail));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> recorder.sentTo("fallback-" + tag).stream()
                        .anyMatch(s -> s.notification().title().contains("Alice old phone")));

        // the e-mail carries a signed link to confirm receipt
        MimeMessage message = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> Arrays.stream(TestMail.instance().getReceivedMessages())
                                .filter(m -> {
                                    try {
                                        return m.getAllRecipients()[0]
                                                .toString()
                                                .equals(email);
                                    } catch (Exception e) {
                                        return false;
                                    }
                                })
                                .findFirst()
                                .orElse(null),
                        Objects::nonNull);
        String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
        Matcher link = Pattern.compile("(https?://[^\\s\"<>]+/oncall/check/[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+)")
                .matcher(body);
        assertThat(link.find()).as(body).isTrue();
        String url = link.group(1);
        HttpClient http =
                HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> page =
                http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Alice &lt;b&gt;").doesNotContain("Alice <b>");
        assertThat(status(run, mail)).isEqualTo("ok"); // GET changes nothing
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String form = "_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        assertThat(http.send(post(url, form), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        assertThat(status(run, mail)).isEqualTo("confirmed");
        assertThat(http.send(post(url, form), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(410);
        String forged = url.substring(0, url.length() - 3) + (url.endsWith("AAA") ? "BBB" : "AAA");
        assertThat(http.send(post(forged, form), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);

        // just before the deadline nothing changes; past it the pager's test is unconfirmed, once
        check.expire(pagerResult.confirmBy().minusSeconds(1));
        assertThat(status(run, pager)).isEqualTo("ok");
        Instant late = pagerResult.confirmBy().plusSeconds(60);
        check.expire(late);
        check.expire(late.plusSeconds(60));
        assertThat(status(run, pager)).isEqualTo("unconfirmed");
        assertThat(status(run, mail)).isEqualTo("confirmed");
        assertThat(checks.warnings())
                .anyMatch(r -> r.channelId().equals(pager) && r.status().equals("unconfirmed"))
                .noneMatch(r -> r.channelId().equals(mail));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> recorder.sentTo("fallback-" + tag).stream()
                        .anyMatch(s -> s.notification().title().contains("Alice pager")));
        assertThat(recorder.sentTo("fallback-" + tag).stream()
                        .filter(s -> s.notification().title().contains("Alice pager"))
                        .count())
                .isEqualTo(1);
        assertThat(recorder.sentTo("fallback-" + tag).getFirst().notification().text())
                .contains("permanent");
        assertThat(checks.latest())
                .anyMatch(r -> r.channelId().equals(mail) && r.status().equals("confirmed"));
        assertThat(checks.lastRun()).isNotNull();
        assertThat(checks.history(now.minusSeconds(1), null, 1000))
                .extracting(OutOfBandChecks.Result::runId)
                .contains(run);
    }
}
