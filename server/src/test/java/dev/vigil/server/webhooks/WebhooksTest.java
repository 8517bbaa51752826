package dev.vigil.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outgoing webhooks to a real HTTP receiver: audited changes and alerts arrive as versioned, signed payloads; a
 * failing receiver gets the event again with backoff; the delivery log tells; link-local targets are refused.
 */
@VigilServerTest
class WebhooksTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SECRET = "test-webhook-secret-0123456789";
    static final String SQLI_RULE = "b0c4d27f-0b86-4fb9-8c1b-6cae82e5dd62";

    @LocalServerPort
    int port;

    @Autowired
    dev.vigil.server.alerts.AlertService alerts;

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToAnswer = new AtomicInteger();

    record Received(String type, String signature, String body, int answered, String path) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
            received.add(new Received(
                    exchange.getRequestHeaders().getFirst("Vigil-Event-Type"),
                    exchange.getRequestHeaders().getFirst("Vigil-Signature"),
                    body,
                    status,
                    exchange.getRequestURI().getPath()));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    final List<String> subscriptions = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
        // Later tests share the context: leave no subscription retrying against a stopped receiver.
        for (String id : subscriptions) {
            assertThat(TestApi.admin(port).delete("/api/v1/webhooks/" + id).status())
                    .isEqualTo(204);
        }
    }

    private String subscribe(String url, String... types) {
        return subscribe(url, false, types);
    }

    private String subscribe(String url, boolean includeExercises, String... types) {
        StringBuilder t = new StringBuilder();
        for (String type : types) {
            t.append(t.isEmpty() ? "" : ",").append('"').append(type).append('"');
        }
        TestApi.Response r = TestApi.admin(port)
                .postJson(
                        "/api/v1/webhooks",
                        "{\"name\":\"test-" + UUID.randomUUID() + "\",\"url\":\"" + url + "\",\"eventTypes\":[" + t
                                + "],\"secret\":\"" + SECRET + "\""
                                + (includeExercises ? ",\"includeExercises\":true" : "") + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("subscription").path("includeExercises").asBoolean())
                .isEqualTo(includeExercises);
        assertThat(r.body()).doesNotContain("secret\":\"whsec");
        String id = r.json().path("subscription").path("id").asString();
        subscriptions.add(id);
        return id;
    }

    private Received await(Predicate<Received> what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            for (Received r : received) {
                if (what.test(r)) {
                    return r;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no such webhook within 60 s; received " + received);
    }

    /** The receiver's check, as docs/webhooks.md shows it. */
    static boolean verify(String header, String body, String secret, long nowSeconds) throws Exception {
        long t = -1;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = Long.parseLong(part.substring(2));
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        if (t < 0 || v1 == null || Math.abs(nowSeconds - t) > 300) {
            return false; // malformed, or too old: a replay
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
    }

    @Test
    void anAuditedChangeArrivesSignedAndIsRetriedAfterAFailure() throws Exception {
        String id = subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "rule.*");
        failuresToAnswer.set(1);
        TestApi admin = TestApi.admin(port);
        assertThat(admin.post("/api/v1/rules/" + SQLI_RULE + "/disable", "application/json", "")
                        .status())
                .isEqualTo(200);
        try {
            Received ok = await(r -> "rule.disabled".equals(r.type()) && r.answered() == 204);
            assertThat(received).anyMatch(r -> "rule.disabled".equals(r.type()) && r.answered() == 500);
            JsonNode p = ok.json();
            assertThat(p.path("version").asInt()).isEqualTo(1);
            assertThat(p.path("type").asString()).isEqualTo("rule.disabled");
            assertThat(p.path("id").asString()).isNotBlank();
            assertThat(Instant.parse(p.path("occurred_at").asString())).isNotNull();
            assertThat(p.path("data").path("object_id").asString()).isEqualTo(SQLI_RULE);
            assertThat(p.path("data").path("before").path("enabled").asBoolean())
                    .isTrue();
            assertThat(p.path("data").path("after").path("enabled").asBoolean()).isFalse();
            assertThat(p.path("data").path("actor").path("name").asString()).isEqualTo("bootstrap");
            assertThat(verify(ok.signature(), ok.body(), SECRET, Instant.now().getEpochSecond()))
                    .isTrue();
            assertThat(verify(
                            ok.signature(),
                            ok.body() + " ",
                            SECRET,
                            Instant.now().getEpochSecond()))
                    .isFalse();
            assertThat(verify(ok.signature(), ok.body(), SECRET, Instant.now().getEpochSecond() + 3600))
                    .isFalse();

            JsonNode log =
                    admin.get("/api/v1/webhooks/" + id + "/deliveries").json().path("items");
            JsonNode delivery = null;
            for (JsonNode d : log) {
                if (d.path("eventType").asString().equals("rule.disabled")) {
                    delivery = d;
                }
            }
            assertThat(delivery).isNotNull();
            assertThat(delivery.path("status").asString()).isEqualTo("delivered");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(2);
            assertThat(delivery.path("lastStatus").asInt()).isEqualTo(204);
        } finally {
            admin.post("/api/v1/rules/" + SQLI_RULE + "/enable", "application/json", "");
        }
    }

    @Autowired
    WebhookPublisher publisher;

    @Test
    void hyphenatedEventTypesOfOtherModulesArePublished() {
        // governance audits e.g. log-defect.opened and checklist-entry.created; these must reach subscribers
        subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "log-defect.*");
        publisher.publish("log-defect.opened", UUID.randomUUID(), java.util.Map.of("source", "windows"));
        Received r = await(x -> "log-defect.opened".equals(x.type()) && x.answered() == 204);
        assertThat(r.json().path("data").path("source").asString()).isEqualTo("windows");
    }

    @Autowired
    dev.vigil.server.webhooks.Webhooks webhooks;

    @Test
    void retentionDeletesFinishedEventsAndKeepsPendingOnes() {
        String done = subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "retention-done.*");
        // nothing listens on port 1: the delivery stays pending (transient failure, retried with backoff)
        String pending = subscribe("http://127.0.0.1:1/hook", "retention-pending.*");
        UUID finished = UUID.randomUUID();
        UUID retrying = UUID.randomUUID();
        publisher.publish("retention-done.x", finished, java.util.Map.of("n", 1));
        publisher.publish("retention-pending.x", retrying, java.util.Map.of("n", 2));
        await(x -> "retention-done.x".equals(x.type()) && x.answered() == 204);
        TestApi admin = TestApi.admin(port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!admin.get("/api/v1/webhooks/" + done + "/deliveries")
                        .json()
                        .path("items")
                        .path(0)
                        .path("status")
                        .asString()
                        .equals("delivered")
                && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        // an event newer than the cut-off stays
        webhooks.purge(Instant.now().minus(Duration.ofDays(1)));
        assertThat(admin.get("/api/v1/webhooks/" + done + "/deliveries")
                        .json()
                        .path("total")
                        .asLong())
                .isEqualTo(1);

        assertThat(webhooks.purge(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);
        assertThat(admin.get("/api/v1/webhooks/" + done + "/deliveries")
                        .json()
                        .path("total")
                        .asLong())
                .isZero();
        JsonNode stillPending =
                admin.get("/api/v1/webhooks/" + pending + "/deliveries").json();
        assertThat(stillPending.path("total").asLong()).isEqualTo(1);
        assertThat(stillPending.path("items").path(0).path("status").asString()).isEqualTo("pending");
    }

    @Test
    void anAlertRaisedThroughIntakeArrivesAsAlertRaised() {
        subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "alert.raised");
        TestApi admin = TestApi.admin(port);
        String source = "hook-" + UUID.randomUUID().toString().substring(0, 8);
        String alertId = TestIntake.raise(
                admin,
                source,
                TestIntake.webSource(admin, source),
                "{\"c-ip\":\"192.0.2.1\",\"cs-uri-query\":\"id=1 union select 1\"}");
        Received r = await(x -> "alert.raised".equals(x.type()) && x.body().contains(alertId));
        JsonNode data = r.json().path("data");
        assertThat(r.json().path("id").asString()).isEqualTo(alertId);
        assertThat(data.path("ruleId").asString()).isEqualTo(SQLI_RULE);
        assertThat(data.path("level").asString()).isEqualTo("high");
        assertThat(data.path("source").asString()).isEqualTo(source);
    }

    @Test
    void theAlertsOfOneBatchArriveAsOneAlertRaisedEachWithTheAlertsOwnIds() {
        subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "alert.raised");
        String rule = "batch-hook-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<dev.vigil.server.alerts.NewAlert> batch = new java.util.ArrayList<>();
        for (String user : List.of("ann", "ben", "cy")) {
            batch.add(new dev.vigil.server.alerts.NewAlert(
                    rule,
                    "Batch hook",
                    dev.vigil.server.alerts.AlertLevel.HIGH,
                    List.of("attack.t1110"),
                    "hook-batch",
                    null,
                    now,
                    now,
                    java.util.Map.of("user", user),
                    java.util.Map.of(),
                    "{}",
                    null,
                    null));
        }
        List<dev.vigil.server.alerts.Alert> stored = alerts.raise(batch);
        for (dev.vigil.server.alerts.Alert a : stored) {
            Received r = await(x -> "alert.raised".equals(x.type())
                    && x.json().path("id").asString().equals(a.id().toString()));
            JsonNode data = r.json().path("data");
            assertThat(data.path("alertId").asString()).isEqualTo(a.id().toString());
            assertThat(data.path("ruleId").asString()).isEqualTo(rule);
            assertThat(data.path("entities").path("user").asString())
                    .isEqualTo(a.entities().get("user"));
        }
        assertThat(received.stream()
                        .filter(x -> "alert.raised".equals(x.type()) && x.body().contains(rule))
                        .count())
                .as("one event per alert, not one per batch")
                .isEqualTo(3);
    }

    @Autowired
    dev.vigil.server.incidents.IncidentService incidents;

    @Autowired
    dev.vigil.server.platform.audit.AuditLog auditLog;

    /** The ids of the events delivered (or being delivered) to a subscription, from its delivery log. */
    private java.util.Set<String> deliveredEventIds(String subscription) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode d : TestApi.admin(port)
                .get("/api/v1/webhooks/" + subscription + "/deliveries?size=500")
                .json()
                .path("items")) {
            ids.add(d.path("eventId").asString());
        }
        return ids;
    }

    @Test
    void exerciseAlertsAndIncidentsReachOnlySubscriptionsThatIncludeExercises() {
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String soar = subscribe(base + "/soar", "alert.raised", "incident.*");
        String drills = subscribe(base + "/drills", true, "alert.raised", "incident.*");
        String rule = "drill-hook-" + UUID.randomUUID();
        UUID exercise = UUID.randomUUID();
        Instant now = Instant.now();
        java.util.function.BiFunction<String, String, dev.vigil.server.alerts.NewAlert> alert =
                (source, user) -> new dev.vigil.server.alerts.NewAlert(
                        rule,
                        "Drill hook",
                        dev.vigil.server.alerts.AlertLevel.HIGH,
                        List.of("attack.t1110"),
                        source,
                        null,
                        now,
                        now,
                        java.util.Map.of("user", user),
                        java.util.Map.of(),
                        "{}",
                        null,
                        null);
        List<dev.vigil.server.alerts.Alert> stored = alerts.raise(List.of(
                alert.apply("hook-production", "victim-" + rule),
                alert.apply(
                        dev.vigil.server.normalize.ExerciseTag.eventSource(exercise, "hook-production"),
                        "drill-" + rule)));
        String production = stored.get(0).id().toString();
        String drill = stored.get(1).id().toString();
        assertThat(stored.get(1).exerciseId()).isEqualTo(exercise);

        // production: both subscriptions; the exercise's alert only the one that includes exercises
        await(x -> "/soar".equals(x.path()) && x.json().path("id").asString().equals(production));
        await(x -> "/drills".equals(x.path()) && x.json().path("id").asString().equals(production));
        Received drillAlert = await(x ->
                "/drills".equals(x.path()) && x.json().path("id").asString().equals(drill));
        assertThat(drillAlert.json().path("data").path("source").asString()).startsWith("exercise-" + exercise);

        // the incidents the alerts opened, and their audited creation, likewise
        String productionIncident = org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> incidents.incidentOf(UUID.fromString(production)), java.util.Optional::isPresent)
                .orElseThrow()
                .toString();
        String drillIncident = org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> incidents.incidentOf(UUID.fromString(drill)), java.util.Optional::isPresent)
                .orElseThrow()
                .toString();
        await(x -> "/soar".equals(x.path())
                && "incident.created".equals(x.type())
                && x.json().path("data").path("incidentId").asString().equals(productionIncident));
        Received drillCreated = await(x -> "/drills".equals(x.path())
                && "incident.created".equals(x.type())
                && x.json().path("data").path("incidentId").asString().equals(drillIncident));
        assertThat(drillCreated.json().path("data").path("source").asString()).isEqualTo("exercise-" + exercise);
        Received drillAudited = await(x -> "/drills".equals(x.path())
                && x.type().startsWith("incident.incident.")
                && x.json().path("data").path("object_id").asString().equals(drillIncident));
        await(x -> "/soar".equals(x.path())
                && x.type().startsWith("incident.incident.")
                && x.json().path("data").path("object_id").asString().equals(productionIncident));

        // an exercise event has its deliveries stored with it: had the default subscription been a target, its
        // delivery would be in its log by now
        java.util.Set<String> exerciseEvents = new java.util.HashSet<>();
        for (Received r : received) {
            if ("/drills".equals(r.path())
                    && (r.body().contains(drillIncident) || r.body().contains(drill))) {
                exerciseEvents.add(r.json().path("id").asString());
            }
        }
        assertThat(exerciseEvents)
                .contains(
                        drill,
                        drillCreated.json().path("id").asString(),
                        drillAudited.json().path("id").asString());
        assertThat(deliveredEventIds(soar)).contains(production).doesNotContainAnyElementsOf(exerciseEvents);
        assertThat(received)
                .filteredOn(r -> "/soar".equals(r.path()))
                .noneMatch(r -> r.body().contains(drillIncident) || r.body().contains(drill))
                .noneMatch(r -> r.body().contains("exercise-" + exercise));

        // the flag is changed like the other fields, and audited
        TestApi admin = TestApi.admin(port);
        TestApi.Response changed = admin.patchJson("/api/v1/webhooks/" + soar, "{\"includeExercises\":true}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("includeExercises").asBoolean()).isTrue();
        assertThat(changed.json().path("eventTypes").size())
                .as("other fields unchanged")
                .isEqualTo(2);
        JsonNode listed = admin.get("/api/v1/webhooks?size=200").json().path("items");
        assertThat(listed).anySatisfy(w -> {
            assertThat(w.path("id").asString()).isEqualTo(soar);
            assertThat(w.path("includeExercises").asBoolean()).isTrue();
        });
        List<dev.vigil.server.platform.audit.AuditEntry> audited = new java.util.ArrayList<>();
        auditLog.forEach(
                new dev.vigil.server.platform.audit.AuditQuery(null, "updated", "webhook", soar, null, null, null),
                audited::add);
        assertThat(audited).singleElement().satisfies(e -> {
            assertThat(JSON.readTree(e.before()).path("includeExercises").asBoolean())
                    .isFalse();
            assertThat(JSON.readTree(e.after()).path("includeExercises").asBoolean())
                    .isTrue();
        });
    }

    @Test
    void aPendingExerciseDeliveryIsNotSentOnceItsSubscriptionNoLongerIncludesExercises() {
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String drills = subscribe(base + "/withheld", true, "drill-withheld.*");
        String production = subscribe(base + "/production", "drill-withheld.*");
        UUID event = UUID.randomUUID();
        failuresToAnswer.set(1_000); // every attempt answered 500: the delivery stays pending, retried
        try {
            publisher.publish("drill-withheld.x", event, java.util.Map.of("n", 1), true);
            await(x -> "/withheld".equals(x.path()) && x.body().contains(event.toString()));
            assertThat(TestApi.admin(port)
                            .patchJson("/api/v1/webhooks/" + drills, "{\"includeExercises\":false}")
                            .status())
                    .isEqualTo(200);
            JsonNode ended = awaitDelivery(
                    TestApi.admin(port),
                    drills,
                    x -> x.path("status").asString().equals("failed"));
            assertThat(ended.path("lastError").asString()).contains("no longer includes exercises");
            long attempts = received.stream()
                    .filter(x -> x.body().contains(event.toString()))
                    .count();
            assertThat(ended.path("attempts").asLong()).isEqualTo(attempts + 1);
            assertThat(deliveredEventIds(production)).doesNotContain(event.toString());
        } finally {
            failuresToAnswer.set(0);
        }
    }

    @Test
    void linkLocalTargetsAreRefusedAndLogged() {
        String id = subscribe("http://169.254.169.254/latest/meta-data", "webhook.test");
        TestApi admin = TestApi.admin(port);
        assertThat(admin.post("/api/v1/webhooks/" + id + "/test", "application/json", "")
                        .status())
                .isEqualTo(202);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode d = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode items =
                    admin.get("/api/v1/webhooks/" + id + "/deliveries").json().path("items");
            if (items.size() > 0 && items.get(0).path("status").asString().equals("failed")) {
                d = items.get(0);
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(d).as("a failed delivery").isNotNull();
        assertThat(d.path("attempts").asInt()).isEqualTo(1);
        assertThat(d.path("lastError").asString()).contains("link-local");
        // A failed delivery can be tried again (here it fails again: the target is still refused).
        assertThat(admin.post(
                                "/api/v1/webhooks/" + id + "/deliveries/"
                                        + d.path("id").asString() + "/redeliver",
                                "application/json",
                                "")
                        .status())
                .isEqualTo(202);
        JsonNode again =
                awaitDelivery(admin, id, x -> x.path("status").asString().equals("failed"));
        assertThat(again.path("attempts").asInt()).isEqualTo(1);
        assertThat(admin.post(
                                "/api/v1/webhooks/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver",
                                "application/json",
                                "")
                        .status())
                .isEqualTo(409);
        assertThat(admin.postJson(
                                "/api/v1/webhooks",
                                "{\"name\":\"x\",\"url\":\"file:///etc/passwd\",\"eventTypes\":[\"*\"]}")
                        .status())
                .isEqualTo(400);
    }

    private static JsonNode awaitDelivery(TestApi admin, String id, Predicate<JsonNode> what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode items =
                    admin.get("/api/v1/webhooks/" + id + "/deliveries").json().path("items");
            if (items.size() > 0 && what.test(items.get(0))) {
                return items.get(0);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no such delivery of " + id + " within 60 s");
    }

    @Test
    void theAdminPageAddsAWebhookShowsItsSecretOnceAndItsDeliveries() throws Exception {
        TestSession browser = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(browser.get("/admin/webhooks").body()).contains("Add a webhook");
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        TestApi.Response created = browser.postForm(
                "/admin/webhooks",
                "name=" + TestSession.enc("page <b>hook</b>") + "&url=" + TestSession.enc(url) + "&eventTypes="
                        + TestSession.enc("webhook.test, rule.*"));
        assertThat(created.status()).isEqualTo(302);
        String page = URI.create(created.header("Location")).getPath();
        String id = page.substring(page.lastIndexOf('/') + 1);
        subscriptions.add(id);

        String first = browser.get(page).body();
        Matcher m = Pattern.compile("whsec_[A-Za-z0-9_-]+").matcher(first);
        assertThat(m.find()).as("the secret is shown once").isTrue();
        String secret = m.group();
        assertThat(first).contains("page &lt;b&gt;hook&lt;/b&gt;", "webhook.test, rule.*");
        assertThat(browser.get(page).body()).doesNotContain(secret);

        assertThat(browser.postForm(page + "/test", "").status()).isEqualTo(302);
        Received ping = await(r -> "webhook.test".equals(r.type()) && r.body().contains(id));
        assertThat(verify(ping.signature(), ping.body(), secret, Instant.now().getEpochSecond()))
                .isTrue();
        awaitDelivery(TestApi.admin(port), id, x -> x.path("status").asString().equals("delivered"));
        assertThat(browser.get(page).body()).contains("delivered", "HTTP 204");

        assertThat(browser.postForm(page, "enabled=false").status()).isEqualTo(302);
        assertThat(browser.get(page).body()).contains(">disabled<");

        // exercise events: off for a new subscription, switched on in the change form
        assertThat(first).contains("<dt>Exercise events</dt><dd>not sent</dd>");
        assertThat(browser.postForm(page, "url=&eventTypes=&includeExercises=true")
                        .status())
                .isEqualTo(302);
        assertThat(browser.get(page).body())
                .contains("<dt>Exercise events</dt><dd>sent (alerts and incidents of replay exercises)</dd>")
                .contains(">disabled<");
        assertThat(webhooks.find(UUID.fromString(id)).orElseThrow().includeExercises())
                .isTrue();
        assertThat(browser.get("/admin/webhooks").body()).contains("<td>included</td>");
    }
}
