package dev.vigil.server.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.RecordingChannel;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestMail;
import dev.vigil.server.testing.VigilServerTest;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Real deliveries through the REST API, the escalation timers and the delivery worker: e-mail to an in-process SMTP
 * server (GreenMail) whose acknowledge link, followed over HTTP without a token, acknowledges the page (once); a
 * signed webhook to a local HTTP receiver that checks the HMAC; retries of transient failures; a permanent failure
 * moving on to the next notification rule; Slack and Teams payloads.
 */
@VigilServerTest
class NotificationDeliveryTest {
    @LocalServerPort
    int port;

    @Autowired
    RecordingChannel recorder;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretBox secretBox;

    TestApi api;
    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();

    record Received(String path, Map<String, List<String>> headers, String body) {}

    @BeforeEach
    void start() throws IOException {
        api = TestApi.admin(port);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failFirst.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) {
                received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body));
            }
            if (status == 503) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    String id(TestApi.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        JsonNode j = r.json();
        return (j.has("id") ? j.get("id") : j.get("userId")).asString();
    }

    String person(String name, String email) {
        return id(api.postJson(
                "/api/v1/oncall/people",
                "{\"name\":\"%s\",\"email\":\"%s\",\"timeZone\":\"Europe/Berlin\"}".formatted(name, email)));
    }

    String channel(String user, String type, String address, String secret) {
        return id(api.postJson(
                "/api/v1/notify/channels",
                "{\"userId\":%s,\"name\":\"%s\",\"type\":\"%s\",\"address\":\"%s\"%s}"
                        .formatted(
                                user == null ? "null" : "\"" + user + "\"",
                                type,
                                type,
                                address,
                                secret == null ? "" : ",\"secret\":\"" + secret + "\"")));
    }

    String policy(String stepsJson) {
        return id(api.postJson(
                "/api/v1/oncall/policies", "{\"name\":\"p-%s\",\"steps\":%s}".formatted(UUID.randomUUID(), stepsJson)));
    }

    String page(String policy, String severity) {
        return id(api.postJson(
                "/api/v1/oncall/pages",
                "{\"subjectType\":\"test\",\"subjectId\":\"%s\",\"title\":\"Suspicious <login> & more\",\"summary\":\"user=alice\",\"severity\":\"%s\",\"policyId\":\"%s\"}"
                        .formatted(UUID.randomUUID(), severity, policy)));
    }

    static HttpRequest post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    JsonNode history(String page) {
        return api.get("/api/v1/oncall/pages/" + page).json();
    }

    @Test
    void anEmailArrivesAndItsAcknowledgeLinkWorksOnceWithoutSigningIn() throws Exception {
        String email = "resp-" + UUID.randomUUID() + "@example.test";
        String user = person("Rita Responder", email);
        channel(user, "email", email, null);
        String policy = policy("[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]");
        String page = page(policy, "high");

        MimeMessage mail = Awaitility.await("the page e-mail; page: " + page)
                .atMost(Duration.ofSeconds(90))
                .conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() < 1000) {
                        System.err.println("PAGE HISTORY " + history(page) + " MAILS "
                                + TestMail.instance().getReceivedMessages().length);
                    }
                })
                .until(
                        () -> java.util.Arrays.stream(TestMail.instance().getReceivedMessages())
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
                        java.util.Objects::nonNull);
        assertThat(mail.getSubject()).isEqualTo("[Vigil] HIGH: Suspicious <login> & more");
        String text = GreenMailUtil.getBody(mail);
        assertThat(text).contains("&lt;login&gt;"); // the HTML part escapes log-derived text
        Matcher m = Pattern.compile("(http://localhost:\\d+/oncall/action/[A-Za-z0-9_.\\-]+)")
                .matcher(text.replace("=\r\n", "").replace("=3D", "="));
        List<String> urls = new ArrayList<>();
        while (m.find()) {
            urls.add(m.group(1));
        }
        String ack = urls.getFirst();
        // a browser: cookies kept (the CSRF cookie of the confirmation page goes back with the form)
        HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager())
                .build();
        // GET only shows a confirmation form (link scanners must not acknowledge)
        HttpResponse<String> confirm =
                http.send(HttpRequest.newBuilder(URI.create(ack)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("<form method=\"post\"").contains("Suspicious &lt;login&gt;");
        assertThat(history(page).get("page").get("status").asString()).isEqualTo("triggered");
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(confirm.body());
        assertThat(csrf.find()).isTrue();
        String form = "_csrf=" + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> done = http.send(post(ack, form), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode h = history(page);
        assertThat(h.get("page").get("status").asString()).isEqualTo("acknowledged");
        assertThat(h.get("page").get("acknowledgedBy").asString()).isEqualTo("Rita Responder (link)");
        // audited like an acknowledgement through the API or the UI
        JsonNode audited = api.get("/api/v1/audit?objectType=page&action=acknowledged&objectId=" + page)
                .json()
                .path("items");
        assertThat(audited.size()).as(audited.toString()).isEqualTo(1);
        assertThat(audited.get(0).path("after").asString()).contains("\"by\":\"Rita Responder (link)\"");
        // single use; a forged token is refused
        assertThat(http.send(post(ack, form), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(410);
        String forged = ack.substring(0, ack.length() - 3) + (ack.endsWith("AAA") ? "BBB" : "AAA");
        assertThat(http.send(post(forged, form), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);
        // the history shows who was notified, over what, the outcome and who acknowledged
        JsonNode delivery = h.get("deliveries").get(0);
        assertThat(delivery.get("channelType").asString()).isEqualTo("email");
        assertThat(delivery.get("status").asString()).isEqualTo("sent");
        assertThat(delivery.get("attemptLog").get(0).get("outcome").asString()).isEqualTo("delivered");
    }

    @Test
    void aSignedWebhookIsDeliveredAfterTransientFailuresAndTheSignatureVerifies() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        String user = person("Wendy Webhook", "w@example.test");
        channel(user, "webhook", receiverUrl("/hook"), secret);
        failFirst.set(2);
        String policy = policy("[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]");
        String page = page(policy, "critical");
        Received r = awaitReceived("/hook", 1);
        assertThat(signedWith(r, secret)).isTrue();
        JsonNode body = new TestApi.Response(200, r.body(), null).json();
        assertThat(body.get("schema").asString()).isEqualTo("vigil.notification/v1");
        assertThat(body.get("severity").asString()).isEqualTo("critical");
        assertThat(body.get("data").get("pageId").asString()).isEqualTo(page);
        // The receiver records the request before it answers: the sender writes the outcome of the third attempt a
        // moment after it arrived.
        JsonNode delivery = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> history(page).get("deliveries").get(0),
                        d -> d.get("attempts").asInt() == 3
                                && d.get("status").asString().equals("sent"));
        assertThat(delivery.get("attemptLog"))
                .extracting(a -> a.get("outcome").asString())
                .containsExactly("transient", "transient", "delivered");
    }

    /**
     * The signing secret is stored sealed: the stored bytes are not the secret, they open (with the server's key) to
     * it, and the signature of a delivery verifies with the secret given, not with what is stored. Changing it
     * (audited as a change, without any value) re-seals it and the next delivery is signed with the new one.
     */
    @Test
    void aWebhookSecretIsStoredSealedAndSigningUsesTheOpenedSecret() throws Exception {
        String secret = "sealed-s3cret-" + UUID.randomUUID();
        String user = person("Sela Sealed", "sealed@example.test");
        String channel = channel(user, "webhook", receiverUrl("/sealed"), secret);
        byte[] stored = storedSecret(channel);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain(secret);
        assertThat(secretBox.open(stored)).isEqualTo(secret);
        // the URL is sealed too; only its masked form is stored in the clear
        Map<String, Object> row = jdbc.sql("select address, address_box from notify_channels where id = ?")
                .param(UUID.fromString(channel))
                .query()
                .singleRow();
        assertThat(row.get("address"))
                .isEqualTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/…");
        assertThat(secretBox.open((byte[]) row.get("address_box"))).isEqualTo(receiverUrl("/sealed"));
        assertThat(api.get("/api/v1/notify/channels/" + channel).body())
                .doesNotContain(secret)
                .contains("\"hasSecret\":true");

        String policy = policy("[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]");
        page(policy, "high");
        assertThat(signedWith(awaitReceived("/sealed", 1), secret)).isTrue();

        String rotated = "rotated-s3cret-" + UUID.randomUUID();
        assertThat(api.putJson("/api/v1/notify/channels/" + channel, "{\"secret\":\"" + rotated + "\"}")
                        .status())
                .isEqualTo(200);
        // an update that does not name the secret keeps it (and does not re-seal it)
        assertThat(api.putJson("/api/v1/notify/channels/" + channel, "{\"name\":\"renamed\"}")
                        .status())
                .isEqualTo(200);
        byte[] afterRotation = storedSecret(channel);
        assertThat(secretBox.open(afterRotation)).isEqualTo(rotated);
        assertThat(new String(afterRotation, StandardCharsets.ISO_8859_1)).doesNotContain(rotated);
        page(policy, "high");
        Received second = awaitReceived("/sealed", 2);
        assertThat(signedWith(second, rotated)).isTrue();
        assertThat(signedWith(second, secret)).isFalse();

        String audit = api.get("/api/v1/audit?objectType=notify_channel&objectId=" + channel)
                .body();
        assertThat(audit).contains("secretChanged").doesNotContain(secret).doesNotContain(rotated);
    }

    byte[] storedSecret(String channel) {
        return jdbc.sql("select secret_box from notify_channels where id = ?")
                .param(UUID.fromString(channel))
                .query(byte[].class)
                .single();
    }

    Received awaitReceived(String path, int n) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> received.stream()
                                .filter(x -> x.path().equals(path))
                                .toList(),
                        l -> l.size() >= n)
                .get(n - 1);
    }

    static boolean signedWith(Received r, String secret) throws Exception {
        Matcher m = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})")
                .matcher(r.headers().get("X-vigil-signature").getFirst());
        assertThat(m.matches()).isTrue();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return m.group(2)
                .equals(HexFormat.of()
                        .formatHex(mac.doFinal((m.group(1) + "." + r.body()).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void channelNamesAreLimitedTo200CharactersOnCreateAndUpdate() {
        String longest = "n".repeat(200);
        TestApi.Response created = api.postJson(
                "/api/v1/notify/channels",
                "{\"name\":\"%s\",\"type\":\"email\",\"address\":\"n@example.test\"}".formatted(longest));
        String id = id(created);
        assertThat(created.json().get("name").asString()).isEqualTo(longest);
        TestApi.Response tooLong = api.postJson(
                "/api/v1/notify/channels",
                "{\"name\":\"%s\",\"type\":\"email\",\"address\":\"n@example.test\"}".formatted(longest + "n"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 200 characters");
        TestApi.Response update =
                api.putJson("/api/v1/notify/channels/" + id, "{\"name\":\"%s\"}".formatted(longest + "n"));
        assertThat(update.status()).isEqualTo(400);
        assertThat(update.body()).contains("at most 200 characters");
        assertThat(api.putJson("/api/v1/notify/channels/" + id, "{\"name\":\"  \"}")
                        .status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/notify/channels/" + id).json().get("name").asString())
                .isEqualTo(longest);
    }

    @Test
    void aPermanentFailureMovesOnToTheNextRuleStepAtOnce() {
        String user = person("Fay Fallthrough", "f@example.test");
        String broken = channel(user, "test-record", "fail-permanent", null);
        String backup = channel(user, "test-record", "backup-" + user, null);
        assertThat(api.putJson(
                                "/api/v1/oncall/people/" + user + "/rules",
                                "{\"defaultRules\":[{\"channelId\":\"%s\",\"delayMinutes\":0},{\"channelId\":\"%s\",\"delayMinutes\":30}]}"
                                        .formatted(broken, backup))
                        .status())
                .isEqualTo(200);
        String policy = policy("[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]");
        String page = page(policy, "high");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> !recorder.sentTo("backup-" + user).isEmpty());
        JsonNode deliveries = history(page).get("deliveries");
        assertThat(deliveries.get(0).get("status").asString()).isEqualTo("failed");
        assertThat(deliveries.get(0).get("attempts").asInt()).isEqualTo(1); // permanent: not retried
        assertThat(deliveries.get(1).get("status").asString()).isEqualTo("sent");
    }

    @Test
    void slackAndTeamsGetTheirOwnFormatsAndPolicyWebhookStepsFire() {
        String user = person("Sam Slack", "s@example.test");
        channel(user, "slack", receiverUrl("/slack"), null);
        String teams = channel(null, "teams", receiverUrl("/teams"), null);
        String policy = policy("[{\"type\":\"webhook\",\"channelId\":\"" + teams + "\"},"
                + "{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]");
        page(policy, "high");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> received.stream().map(Received::path).toList().containsAll(List.of("/slack", "/teams")));
        JsonNode slack = new TestApi.Response(
                        200,
                        received.stream()
                                .filter(x -> x.path().equals("/slack"))
                                .findFirst()
                                .orElseThrow()
                                .body(),
                        null)
                .json();
        assertThat(slack.get("text").asString()).isEqualTo("[HIGH] Suspicious &lt;login&gt; &amp; more");
        assertThat(slack.get("blocks").get(1).toString()).contains("|Acknowledge>");
        JsonNode card = new TestApi.Response(
                        200,
                        received.stream()
                                .filter(x -> x.path().equals("/teams"))
                                .findFirst()
                                .orElseThrow()
                                .body(),
                        null)
                .json();
        assertThat(card.get("type").asString()).isEqualTo("message");
        assertThat(card.get("attachments").get(0).get("contentType").asString())
                .isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.get("attachments").get(0).get("content").get("version").asString())
                .isEqualTo("1.4");
        // chat webhook URLs carry secrets: shown masked
        assertThat(api.get("/api/v1/notify/channels/" + teams)
                        .json()
                        .get("address")
                        .asString())
                .isEqualTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/…");
    }

    @Test
    void badChannelsAndPoliciesAreRefusedWithAReason() {
        assertThat(api.postJson("/api/v1/notify/channels", "{\"type\":\"email\",\"address\":\"not an address\"}")
                        .status())
                .isEqualTo(400);
        assertThat(api.postJson("/api/v1/notify/channels", "{\"type\":\"webhook\",\"address\":\"http://x.test/h\"}")
                        .body())
                .contains("signing secret");
        assertThat(api.postJson("/api/v1/notify/channels", "{\"type\":\"pager\",\"address\":\"x\"}")
                        .body())
                .contains("unknown channel type");
        assertThat(api.postJson("/api/v1/oncall/policies", "{\"name\":\"empty\",\"steps\":[]}")
                        .body())
                .contains("at least one step");
        assertThat(api.postJson(
                                "/api/v1/oncall/policies",
                                "{\"name\":\"w\",\"steps\":[{\"type\":\"wait\",\"minutes\":0},{\"type\":\"notify\",\"targets\":[]}]}")
                        .body())
                .contains("step 1");
        assertThat(new TestApi(port, null).get("/api/v1/oncall/pages").status()).isEqualTo(401);
    }
}
