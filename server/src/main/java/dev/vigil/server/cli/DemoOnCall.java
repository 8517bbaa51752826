package dev.vigil.server.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * On-call for the demo, set up through the public API as an operator would: a responder (user {@code responder} and
 * their on-call person), a personal {@code webhook} channel to a small receiver this command runs on 127.0.0.1, a
 * schedule with the responder on call and the escalation policy {@code default} (notify the schedule's on-call
 * person; 20 minutes to acknowledge; no repeat), which pages the demo's incidents (they have no owning team).
 *
 * <p>The receiver checks each delivery as a real receiver should: {@code X-Vigil-Signature: t=<unix>,v1=<hex>} with
 * {@code hex = HMAC-SHA256(secret, "<t>.<body>")}, compared in constant time, and a timestamp at most five minutes
 * old; a delivery that fails the check gets 401 and is counted as rejected. Retries of one notification (same
 * {@code Idempotency-Key}) count once. The signing secret is new on every run (the API never shows it back).
 */
final class DemoOnCall implements AutoCloseable {
    static final String RESPONDER = "responder";
    static final String RESPONDER_NAME = "Demo Responder";
    static final String CHANNEL = "Demo responder webhook";
    static final String SCHEDULE = "Demo on-call";
    static final String POLICY = "default";
    private static final long MAX_AGE_SECONDS = 300;
    private static final Set<String> SERIOUS = Set.of("high", "critical");
    /** The incident statuses the incidents module pages in. */
    private static final Set<String> PAGED_STATUSES = Set.of("new", "acknowledged", "contained");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer receiver;
    private final String secret;
    private final Map<String, Received> received = new LinkedHashMap<>();
    private final AtomicInteger rejected = new AtomicInteger();

    /** One notification the receiver accepted (signature valid): the page it is about and its acknowledge link. */
    record Received(String pageId, String subjectId, String title, String recipient, String acknowledgeLink) {}

    /**
     * One serious incident of this run and its page ({@code null} when it was not paged); {@code earlier} when the
     * page was started by an earlier run and is still open, {@code delivery} what the receiver got (or null).
     */
    record Paged(String reference, String severity, String title, String pageId, boolean earlier, Received delivery) {}

    /**
     * @param incidents open incidents this run opened or added alerts to
     * @param opened how many of them this run opened
     */
    record Result(
            int incidents,
            int opened,
            List<Paged> serious,
            Map<String, Long> bySeverity,
            int delivered,
            int rejected,
            String receiverUrl,
            String problem) {}

    private DemoOnCall(HttpServer receiver, String secret) {
        this.receiver = receiver;
        this.secret = secret;
    }

    /** Starts the webhook receiver on 127.0.0.1 (a free port). */
    static DemoOnCall start() throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        DemoOnCall demo = new DemoOnCall(server, HexFormat.of().formatHex(random));
        server.createContext("/pages", demo::handle);
        server.start();
        return demo;
    }

    String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/pages";
    }

    @Override
    public void close() {
        receiver.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (!"POST".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            String text = new String(body, StandardCharsets.UTF_8);
            if (!verified(x.getRequestHeaders().getFirst("X-Vigil-Signature"), text)) {
                rejected.incrementAndGet();
                x.sendResponseHeaders(401, -1);
                return;
            }
            JsonNode doc = JSON.readTree(text);
            String acknowledge = null;
            for (JsonNode l : doc.path("links")) {
                if ("Acknowledge".equals(l.path("label").asString())) {
                    acknowledge = l.path("url").asString();
                }
            }
            String key = x.getRequestHeaders().getFirst("Idempotency-Key");
            Received r = new Received(
                    doc.path("data").path("pageId").asString(),
                    doc.path("data").path("subjectId").asString(),
                    doc.path("title").asString(),
                    doc.path("recipient").asString(),
                    acknowledge);
            synchronized (received) {
                received.putIfAbsent(key == null ? doc.path("id").asString() : key, r);
            }
            x.sendResponseHeaders(204, -1);
        } catch (RuntimeException e) {
            rejected.incrementAndGet();
            x.sendResponseHeaders(400, -1);
        }
    }

    /** {@code t=<unix>,v1=<hex>}: HMAC-SHA256 of {@code t + "." + body} with the channel's secret, and t recent. */
    private boolean verified(String header, String body) {
        if (header == null) {
            return false;
        }
        Map<String, String> parts = new HashMap<>();
        for (String p : header.split(",")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                parts.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
            }
        }
        long t;
        try {
            t = Long.parseLong(parts.getOrDefault("t", ""));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(Instant.now().getEpochSecond() - t) > MAX_AGE_SECONDS || parts.get("v1") == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, hex(parts.get("v1")));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /**
     * Configures on-call through the API (idempotent: a second run with the same data directory finds the responder,
     * schedule and policy and points the channel at this run's receiver with a new secret). Returns a problem, or
     * null when on-call is ready.
     */
    String setUp(ApiClient admin) throws IOException {
        String userId = responderUser(admin);
        if (userId == null) {
            return "could not create the demo responder";
        }
        ObjectNode person = JSON.createObjectNode()
                .put("userId", userId)
                .put("name", RESPONDER_NAME)
                .put("email", "responder@example.com")
                .put("timeZone", "UTC");
        ApiClient.Response p = admin.postJson("/api/v1/oncall/people", person.toString());
        if (!p.ok()) {
            return "could not create the on-call person: " + p.status() + " " + p.body();
        }
        String channelId = channel(admin, userId);
        if (channelId == null) {
            return "could not create the webhook channel";
        }
        ObjectNode rules = JSON.createObjectNode();
        rules.putArray("defaultRules").addObject().put("channelId", channelId).put("delayMinutes", 0);
        rules.putArray("importantRules").addObject().put("channelId", channelId).put("delayMinutes", 0);
        ApiClient.Response r = admin.putJson("/api/v1/oncall/people/" + userId + "/rules", rules.toString());
        if (!r.ok()) {
            return "could not set the notification rules: " + r.status() + " " + r.body();
        }
        String scheduleId = schedule(admin, userId);
        if (scheduleId == null) {
            return "could not create the on-call schedule";
        }
        return policy(admin, scheduleId);
    }

    private static String responderUser(ApiClient admin) throws IOException {
        String found = findUser(admin);
        if (found != null) {
            return found;
        }
        ObjectNode user = JSON.createObjectNode()
                .put("username", RESPONDER)
                .put("displayName", RESPONDER_NAME)
                .put("email", "responder@example.com");
        user.putArray("roles").add("responder");
        ApiClient.Response r = admin.postJson("/api/v1/users", user.toString());
        return r.ok() ? JSON.readTree(r.body()).path("id").asString() : findUser(admin);
    }

    private static String findUser(ApiClient admin) throws IOException {
        ApiClient.Response r = admin.get("/api/v1/users?q=" + RESPONDER);
        if (r.ok()) {
            for (JsonNode u : JSON.readTree(r.body()).path("items")) {
                if (RESPONDER.equals(u.path("username").asString())) {
                    return u.path("id").asString();
                }
            }
        }
        return null;
    }

    private String channel(ApiClient admin, String userId) throws IOException {
        ApiClient.Response list = admin.get("/api/v1/notify/channels?user=" + userId);
        String existing = null;
        if (list.ok()) {
            for (JsonNode c : JSON.readTree(list.body())) {
                if (CHANNEL.equals(c.path("name").asString())) {
                    existing = c.path("id").asString();
                }
            }
        }
        ObjectNode body = JSON.createObjectNode()
                .put("userId", userId)
                .put("name", CHANNEL)
                .put("type", "webhook")
                .put("address", receiverUrl())
                .put("secret", secret)
                .put("enabled", true);
        ApiClient.Response r = existing == null
                ? admin.postJson("/api/v1/notify/channels", body.toString())
                : admin.putJson("/api/v1/notify/channels/" + existing, body.toString());
        return r.ok() ? JSON.readTree(r.body()).path("id").asString() : null;
    }

    private static String schedule(ApiClient admin, String userId) throws IOException {
        ApiClient.Response list = admin.get("/api/v1/oncall/schedules");
        if (list.ok()) {
            for (JsonNode s : JSON.readTree(list.body())) {
                if (SCHEDULE.equals(s.path("name").asString())) {
                    return s.path("id").asString();
                }
            }
        }
        ObjectNode body = JSON.createObjectNode()
                .put("name", SCHEDULE)
                .put("description", "The demo's responder, on call around the clock (weekly handoff on Monday)")
                .put("timeZone", "UTC");
        ObjectNode layer = body.putArray("layers").addObject();
        layer.put("name", "primary").put("priority", 1);
        layer.putObject("rotation").put("type", "weekly").put("every", 1);
        layer.put(
                "start",
                LocalDate.now(ZoneOffset.UTC).minusWeeks(1).atStartOfDay().toString());
        layer.putArray("participants").add(userId);
        ApiClient.Response r = admin.postJson("/api/v1/oncall/schedules", body.toString());
        return r.ok() ? JSON.readTree(r.body()).path("id").asString() : null;
    }

    private static String policy(ApiClient admin, String scheduleId) throws IOException {
        ApiClient.Response list = admin.get("/api/v1/oncall/policies");
        if (list.ok()) {
            for (JsonNode p : JSON.readTree(list.body())) {
                if (POLICY.equals(p.path("name").asString())) {
                    return null; // kept as it is: an operator may have changed it
                }
            }
        }
        ObjectNode body = JSON.createObjectNode()
                .put("name", POLICY)
                .put("description", "Pages the person on call in '" + SCHEDULE + "' (the demo's incidents)")
                .put("repeat", 0)
                .put("ackTimeoutMinutes", 20);
        ObjectNode step = body.putArray("steps").addObject().put("type", "notify");
        step.putArray("targets").addObject().put("type", "schedule").put("id", scheduleId);
        ApiClient.Response r = admin.postJson("/api/v1/oncall/policies", body.toString());
        return r.ok() ? null : "could not create the escalation policy: " + r.status() + " " + r.body();
    }

    /**
     * Waits (at most 30 s) until the incidents this run opened or added alerts to (open, updated since
     * {@code since}) have settled and each serious one (high, critical: what the incidents module pages) has its
     * page: one this run started whose notification reached the receiver, or one still open from an earlier run
     * with the same data directory (an incident is paged once while its page is open).
     */
    Result await(ApiClient admin, Instant since, String problem) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int last = -1;
        long stableSince = System.nanoTime();
        List<JsonNode> incidents = List.of();
        Map<String, JsonNode> pageOf = Map.of();
        while (System.nanoTime() < deadline) {
            ApiClient.Response r = admin.get("/api/v1/incidents?open=true&size=500&sort=updatedAt,desc");
            ApiClient.Response p = admin.get("/api/v1/oncall/pages?limit=500");
            if (r.ok() && p.ok()) {
                incidents = new ArrayList<>();
                for (JsonNode i : JSON.readTree(r.body()).path("items")) {
                    if (!Instant.parse(i.path("updatedAt").asString()).isBefore(since)) {
                        incidents.add(i);
                    }
                }
                incidents.sort(
                        java.util.Comparator.comparingLong(i -> i.path("number").asLong()));
                pageOf = new HashMap<>();
                for (JsonNode page : JSON.readTree(p.body())) { // newest first
                    if ("incident".equals(page.path("subjectType").asString())) {
                        pageOf.putIfAbsent(page.path("subjectId").asString(), page);
                    }
                }
                if (incidents.size() != last) {
                    last = incidents.size();
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince > (last > 0 ? 1_000_000_000L : 3_000_000_000L)
                        && settled(incidents, pageOf, since)) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        Map<String, Received> byPage = new HashMap<>();
        synchronized (received) {
            received.values().forEach(x -> byPage.putIfAbsent(x.pageId(), x));
        }
        Map<String, Long> bySeverity = new java.util.TreeMap<>();
        List<Paged> serious = new ArrayList<>();
        int opened = 0;
        for (JsonNode i : incidents) {
            String severity = i.path("severity").asString();
            bySeverity.merge(severity, 1L, Long::sum);
            if (!Instant.parse(i.path("createdAt").asString()).isBefore(since)) {
                opened++;
            }
            if (SERIOUS.contains(severity)) {
                JsonNode page = pageOf.get(i.path("id").asString());
                String pageId = page == null ? null : page.path("id").asString();
                serious.add(new Paged(
                        i.path("reference").asString(),
                        severity,
                        i.path("title").asString(),
                        pageId,
                        page != null && earlier(page, since),
                        pageId == null ? null : byPage.get(pageId)));
            }
        }
        return new Result(
                incidents.size(), opened, serious, bySeverity, deliveries(), rejected.get(), receiverUrl(), problem);
    }

    private static boolean earlier(JsonNode page, Instant since) {
        return Instant.parse(page.path("createdAt").asString()).isBefore(since);
    }

    private boolean settled(List<JsonNode> incidents, Map<String, JsonNode> pageOf, Instant since) {
        Set<String> delivered = new java.util.HashSet<>();
        synchronized (received) {
            received.values().forEach(x -> delivered.add(x.pageId()));
        }
        for (JsonNode i : incidents) {
            if (SERIOUS.contains(i.path("severity").asString())
                    && PAGED_STATUSES.contains(i.path("status").asString())) {
                JsonNode page = pageOf.get(i.path("id").asString());
                if (page == null
                        || !(earlier(page, since)
                                || delivered.contains(page.path("id").asString()))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Notifications the receiver accepted with a valid signature (retries of one notification count once). */
    int deliveries() {
        synchronized (received) {
            return received.size();
        }
    }

    /** The accepted notifications, in arrival order. */
    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received.values());
        }
    }
}
