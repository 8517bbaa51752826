package dev.vigil.server.cli;

import dev.vigil.server.governance.DemoAttack;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo's attack story, sent through the real intake endpoints like real shippers would: the web shop's access
 * log, AWS CloudTrail and Windows events as HTTP NDJSON (each source with its own ingest token), the Linux servers'
 * auth and cron logs as RFC 5424 syslog over TCP with octet-counting framing.
 *
 * <p>The story (attacker 203.0.113.66): reconnaissance with a scanner and path traversal against the shop; SQL
 * injection; a brute force on the shop's admin login; an SSH brute force on web-01 ending in a root login; sudo to a
 * shell, a backdoor user and a cron job that downloads a script; with keys found on the host, the attacker signs in
 * to AWS without MFA, creates an access key, grants itself AdministratorAccess and stops CloudTrail; in the office
 * network, password guessing against Administrator, a new admin user, an encoded PowerShell and a cleared Security log.
 */
final class DemoStory {
    static final String ATTACKER = "203.0.113.66";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient admin;
    private final String syslogHost;
    private final int syslogPort;
    private final PrintStream out;
    private final Map<String, String> sourceTokens = new LinkedHashMap<>();
    private final String adminToken;
    private final String url;
    private int events;

    DemoStory(String url, String adminToken, String syslogHost, int syslogPort, PrintStream out) {
        this.url = url;
        this.adminToken = adminToken;
        this.admin = new ApiClient(url, adminToken);
        this.syslogHost = syslogHost;
        this.syslogPort = syslogPort;
        this.out = out;
    }

    record Result(
            int events,
            long alerts,
            Map<String, Long> byLevel,
            Map<String, Long> byRule,
            List<String> inventoryFlags) {}

    Result run() throws IOException, InterruptedException {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        setUp();
        Instant t = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        // the story is data shared with the replay exercise (DemoAttack): send it source by source, in order
        String current = null;
        List<String> pending = new ArrayList<>();
        for (DemoAttack.Item item : DemoAttack.render(t)) {
            if (item.isStep()) {
                out.println("  " + item.step());
                continue;
            }
            if (current != null && !current.equals(item.source())) {
                send(current, pending);
                pending = new ArrayList<>();
            }
            current = item.source();
            pending.add(item.raw());
        }
        if (current != null) {
            send(current, pending);
        }

        return awaitAlerts(started);
    }

    private void send(String source, List<String> records) throws IOException, InterruptedException {
        if (!SYSLOG_SOURCE.equals(source)) {
            ingest(source, records);
            return;
        }
        sendSyslog(records);
        // syslog travels on its own connection: let it reach detection before the later cloud events, so the
        // correlation watermark (latest event time minus 30 s) does not pass the SSH brute force before it arrives
        awaitDetected(SYSLOG_SOURCE, records.size(), 4);
    }

    /** The story's one source sent as RFC 5424 syslog over TCP; the others go to the HTTP NDJSON intake. */
    private static final String SYSLOG_SOURCE = "linux-servers";

    private void setUp() throws IOException {
        for (dev.vigil.server.ingest.LogSource d : DemoAttack.SOURCES) {
            Map<String, String> logsource = new LinkedHashMap<>();
            if (d.product() != null) {
                logsource.put("product", d.product());
            }
            if (d.category() != null) {
                logsource.put("category", d.category());
            }
            if (d.service() != null) {
                logsource.put("service", d.service());
            }
            source(d.name(), d.intake().id(), d.parser().kind().id(), logsource, d.application(), d.match());
        }
        application(
                "shop",
                "The web shop (shop.example) and its AWS account",
                "shop-team@example.com",
                "critical",
                List.of("shop-web", "linux-servers", "shop-cloud"));
        application(
                "corp-it",
                "Office network: domain controllers and workstations",
                "it-ops@example.com",
                "high",
                List.of("corp-windows", "corp-endpoints", "corp-vpn"));
    }

    private void source(
            String name, String intake, String parser, Map<String, String> logsource, String app, List<String> match)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        body.put("intake", intake);
        body.put("parser", parser);
        body.set("logsource", JSON.valueToTree(logsource));
        body.put("application", app);
        body.set("match", JSON.valueToTree(match));
        ApiClient.Response r = admin.postJson("/api/v1/sources", body.toString());
        if (r.ok()) {
            JsonNode token = JSON.readTree(r.body()).path("token").path("token");
            if (token.isString()) {
                sourceTokens.put(name, token.asString());
            }
        } else if (r.status() != 409) {
            out.println("     (could not create source " + name + ": " + r.status() + " " + r.body() + ")");
        }
    }

    private void application(String name, String description, String owner, String criticality, List<String> sources)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        body.put("description", description);
        body.put("owner", owner);
        body.put("criticality", criticality);
        body.set("expectedSources", JSON.valueToTree(sources));
        ApiClient.Response r = admin.postJson("/api/v1/applications", body.toString());
        if (!r.ok() && r.status() != 409) {
            out.println("     (could not register application " + name + ": " + r.status() + " " + r.body() + ")");
        }
    }

    private void ingest(String source, List<String> lines) throws IOException {
        String token = sourceTokens.getOrDefault(source, adminToken);
        ApiClient client = new ApiClient(url, token);
        byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        ApiClient.Response r = client.post(
                "/api/v1/ingest/" + URLEncoder.encode(source, StandardCharsets.UTF_8), "application/x-ndjson", body);
        if (!r.ok()) {
            throw new IOException("intake refused the " + source + " batch: " + r.status() + " " + r.body());
        }
        events += lines.size();
    }

    private void sendSyslog(List<String> messages) throws IOException {
        try (Socket socket = new Socket(syslogHost, syslogPort)) {
            OutputStream o = socket.getOutputStream();
            for (String m : messages) {
                byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
                o.write((bytes.length + " ").getBytes(StandardCharsets.US_ASCII));
                o.write(bytes);
            }
            o.flush();
        }
        events += messages.size();
    }

    /** Waits (at most 20 s) until a source has {@code events} accepted records and {@code alerts} alerts. */
    private void awaitDetected(String source, int events, int alerts) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String name = URLEncoder.encode(source, StandardCharsets.UTF_8);
        while (System.nanoTime() < deadline) {
            ApiClient.Response s = admin.get("/api/v1/sources/" + name);
            ApiClient.Response a = admin.get("/api/v1/alerts?size=1&source=" + name);
            if (s.ok()
                    && a.ok()
                    && JSON.readTree(s.body()).path("stats").path("accepted").asLong() >= events
                    && JSON.readTree(a.body()).path("total").asLong() >= alerts) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private Result awaitAlerts(Instant since) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 45_000_000_000L;
        long last = -1;
        long stableSince = System.nanoTime();
        JsonNode page = null;
        while (System.nanoTime() < deadline) {
            ApiClient.Response r = admin.get("/api/v1/alerts?size=500&from=" + since);
            if (r.ok()) {
                page = JSON.readTree(r.body());
                long total = page.path("total").asLong();
                if (total != last) {
                    last = total;
                    stableSince = System.nanoTime();
                } else if (total >= 25 && System.nanoTime() - stableSince > 2_000_000_000L) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        Map<String, Long> byLevel = new TreeMap<>();
        Map<String, Long> byRule = new TreeMap<>();
        if (page != null) {
            for (JsonNode a : page.path("items")) {
                byLevel.merge(a.path("level").asString(), 1L, Long::sum);
                byRule.merge(
                        "[" + a.path("level").asString() + "] "
                                + a.path("ruleTitle").asString(),
                        1L,
                        Long::sum);
            }
        }
        List<String> flags = new ArrayList<>();
        ApiClient.Response flagged = admin.get("/api/v1/applications/flagged");
        if (flagged.ok()) {
            for (JsonNode c : JSON.readTree(flagged.body())) {
                for (JsonNode f : c.path("flags")) {
                    flags.add(c.path("application").path("name").asString() + ": "
                            + f.path("message").asString());
                }
            }
        }
        return new Result(events, Math.max(last, 0), byLevel, byRule, flags);
    }
}
