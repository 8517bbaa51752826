package dev.vigil.server.cli;

import dev.vigil.server.VigilApplication;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil demo}: the server on the bundled database with the starter rules, plus a short multi-stage attack
 * replayed through the real intake endpoints (syslog over TCP and HTTP NDJSON), so that alerts appear within seconds.
 * Before the story it sets up on-call through the API ({@link DemoOnCall}: a responder on call, a webhook channel to a
 * receiver this command runs, the escalation policy {@code default}), so the incidents the alerts open page the
 * responder. Prints the alerts, incidents and pages, the URL, the admin token and what to look at, then keeps the
 * server running (Ctrl-C stops it) unless {@code --once} is given. Listens on 127.0.0.1 only.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start a demo server and replay a multi-stage attack through its intake endpoints.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory of the demo (kept between runs). Default: ./vigil-data/demo.")
    Path dataDir = Path.of("vigil-data", "demo");

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (0: a free one). Default: 8080.")
    int port = 8080;

    @Option(names = "--syslog-port", paramLabel = "N", description = "Syslog TCP/UDP port. Default: a free port.")
    Integer syslogPort;

    @Option(names = "--once", description = "Stop after the story has raised its alerts (exit 0 when it did).")
    boolean once;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long start = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        String token = demoToken(dir.resolve("demo-admin-token"));
        String password = demoPassword(dir.resolve("demo-admin-password"));
        if (port != 0 && !free(port)) {
            System.err.println("vigil demo: port " + port + " is in use; choose another with --port N");
            return 2;
        }
        int syslog = syslogPort != null ? syslogPort : freeSyslogPort();
        int tls = freeTcpPort();
        out.println("vigil demo: starting the server (bundled PostgreSQL in " + dir + ") ...");
        List<String> args = new ArrayList<>(List.of(
                "--vigil.data-dir=" + dir,
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--vigil.security.bootstrap-api-token=" + token,
                "--vigil.security.admin-password=" + password,
                "--vigil.ingest.syslog.bind-address=127.0.0.1",
                "--vigil.ingest.syslog.udp-port=" + syslog,
                "--vigil.ingest.syslog.tcp-port=" + syslog,
                "--vigil.ingest.syslog.tls-port=" + tls,
                "--vigil.detection.correlation.kill-chain=on",
                // the demo's page receiver listens on 127.0.0.1 (refused for notification channels by default)
                "--vigil.notify.allow-loopback=true"));
        ConfigurableApplicationContext context = VigilApplication.create().run(args.toArray(String[]::new));
        String url =
                "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port", String.valueOf(port));
        double startedSeconds = (System.nanoTime() - start) / 1e9;
        out.printf("vigil demo: server up in %.1f s at %s; replaying the attack story ...%n", startedSeconds, url);

        DemoOnCall onCall = DemoOnCall.start();
        ApiClient admin = new ApiClient(url, token);
        Instant since = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        String problem = onCall.setUp(admin);
        out.println(
                problem == null
                        ? "  On call: " + DemoOnCall.RESPONDER_NAME + " (schedule '" + DemoOnCall.SCHEDULE
                                + "', escalation policy '" + DemoOnCall.POLICY + "'), paged by webhook at "
                                + onCall.receiverUrl()
                        : "  (on-call not set up: " + problem + ")");
        DemoStory.Result result = new DemoStory(url, token, "127.0.0.1", syslog, out).run();
        DemoOnCall.Result paging = onCall.await(admin, since, problem);
        double seconds = (System.nanoTime() - start) / 1e9;
        printSummary(out, url, token, password, syslog, result, paging, seconds);
        if (once) {
            context.close();
            onCall.close();
            return result.alerts() > 0 ? 0 : 1;
        }
        out.println("The server keeps running; press Ctrl-C to stop it.");
        VigilCommand.markKeepRunning();
        return 0;
    }

    private static void printSummary(
            PrintStream out,
            String url,
            String token,
            String password,
            int syslog,
            DemoStory.Result r,
            DemoOnCall.Result paging,
            double seconds) {
        String line = "=".repeat(100);
        out.println();
        out.println(line);
        out.printf(
                " Vigil demo: %d alerts raised from %d replayed events, %d incidents, %d pages delivered, %.1f s after start%n",
                r.alerts(), r.events(), paging.incidents(), paging.delivered(), seconds);
        out.println(line);
        out.println(" URL            " + url);
        out.println(" Web UI         " + url + "/  (sign in as admin / " + password + ")");
        out.println(" Admin token    " + token);
        out.println(" Syslog         127.0.0.1:" + syslog + " (TCP and UDP)");
        out.println();
        out.println(" Alerts by level: " + r.byLevel());
        out.println(" Alerts by rule:");
        r.byRule().forEach((rule, n) -> out.printf("   %3d  %s%n", n, rule));
        if (!r.inventoryFlags().isEmpty()) {
            out.println();
            out.println(" Application inventory flags (GET /api/v1/applications/flagged):");
            r.inventoryFlags().forEach(f -> out.println("   " + f));
        }
        printPaging(out, url, paging);
        out.println();
        out.println(" What to look at (copy and paste):");
        out.println("   export VIGIL_TOKEN=" + token);
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" '" + url
                + "/api/v1/alerts?level=high'                 # the high and critical alerts");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" '" + url
                + "/api/v1/alerts?entity=203.0.113.66'       # everything the attacker's IP did");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url
                + "/api/v1/applications/shop/coverage     # sources, rules, ATT&CK tactics of 'shop'");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" '" + url
                + "/api/v1/incidents?open=true'             # the incidents the alerts opened");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url
                + "/api/v1/oncall/pages                       # the pages, who was notified (also " + url
                + "/oncall/pages)");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url
                + "/api/v1/sources                        # log sources with last-seen and rates");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url
                + "/api/v1/rules/status                   # the active rule set");
        out.println("   curl -s -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url
                + "/v3/api-docs                           # the whole API (OpenAPI)");
        out.println("   logger --rfc5424 --tcp --octet-count -n 127.0.0.1 -P " + syslog
                + " -t sshd 'Failed password for root from 198.51.100.9 port 4711 ssh2'");
        out.println("   ./vigil rules import --token $VIGIL_TOKEN --url " + url + " path/to/sigma_all_rules.zip");
        out.println(line);
    }

    /** The incidents of this run, their pages and what the demo's webhook receiver got. */
    private static void printPaging(PrintStream out, String url, DemoOnCall.Result p) {
        out.println();
        out.println(" Incidents: " + p.incidents() + " " + p.bySeverity() + " (" + p.opened() + " opened by this run, "
                + (p.incidents() - p.opened()) + " earlier ones with new alerts); "
                + p.serious().size()
                + " high or critical, paged to on-call:");
        int shown = 0;
        DemoOnCall.Paged example = null;
        for (DemoOnCall.Paged i : p.serious()) {
            if (example == null && i.delivery() != null) {
                example = i;
            }
            if (shown++ < 8) {
                out.printf(
                        "   %-7s %-8s %-60s %s%n",
                        i.reference(),
                        i.severity(),
                        Terminal.safe(abbreviate(i.title(), 60)),
                        i.pageId() == null
                                ? "not paged"
                                : i.earlier()
                                        ? "paged by an earlier run, page still open"
                                        : i.delivery() == null ? "paged, not delivered yet" : "delivered");
            }
        }
        if (shown > 8) {
            out.println("   ... and " + (shown - 8) + " more (" + url + "/incidents)");
        }
        if (p.problem() != null) {
            out.println(" Paging: on-call could not be set up (" + p.problem() + ")");
            return;
        }
        long paged = p.serious().stream().filter(i -> i.delivery() != null).count();
        long earlier = p.serious().stream().filter(DemoOnCall.Paged::earlier).count();
        out.println(" Paged: "
                + (example == null
                        ? DemoOnCall.RESPONDER_NAME
                        : Terminal.safe(example.delivery().recipient()))
                + " (on call in '" + DemoOnCall.SCHEDULE + "', policy '" + DemoOnCall.POLICY + "') for " + paged
                + " of " + p.serious().size() + " incidents via webhook; the demo's receiver at " + p.receiverUrl()
                + " got " + p.delivered() + " deliveries, signature verified"
                + (p.rejected() > 0 ? ", " + p.rejected() + " rejected (bad signature)" : "")
                + (earlier > 0 ? "; " + earlier + " paged by an earlier run, those pages still open" : ""));
        if (example != null) {
            out.println(" Acknowledge the page of " + example.reference() + " (to "
                    + Terminal.safe(example.delivery().recipient())
                    + ", delivered) with its signed link, or the API; the page's history:");
            out.println("   " + Terminal.safe(example.delivery().acknowledgeLink()));
            out.println("   curl -s -X POST -H \"Authorization: Bearer $VIGIL_TOKEN\" " + url + "/api/v1/oncall/pages/"
                    + example.pageId() + "/acknowledge");
            out.println("   " + url + "/oncall/pages/" + example.pageId() + "   (who was notified when, each attempt)");
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The demo's admin token, created once per data directory (mode 600). */
    static String demoToken(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String t = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (t.length() >= 16) {
                return t;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = "vigil_demo_" + HexFormat.of().formatHex(random);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        return token;
    }

    /**
     * The demo administrator's password, created once per data directory (mode 600). It only takes effect when the
     * demo database has no users yet (the first start).
     */
    static String demoPassword(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String p = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (p.length() >= 12) {
                return p;
            }
        }
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        String password = "demo-" + HexFormat.of().formatHex(random);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return password;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    private static int freeSyslogPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freeTcpPort();
            try (DatagramSocket d = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port for syslog");
    }
}
