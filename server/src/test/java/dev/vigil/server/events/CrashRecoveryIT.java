package dev.vigil.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 1, the crash test: the packaged server ({@code target/vigil.jar}, a separate process) is killed with
 * SIGKILL while clients stream events over the HTTP intake and record every id the server acknowledged; after each
 * restart every acknowledged id must be found by search (zero lost). At the end: every acknowledged event that
 * matches a rule has exactly one alert (detection replays what a crash interrupted, alerts are not doubled), and the
 * integrity verification of the whole store is clean (sealing survived every crash).
 *
 * <p>{@code -Dvigil.crash.cycles=N} (default 3, the CI form); {@code scripts/crash-test.sh 100} runs the full form.
 * The report goes to standard output and {@code target/crash-test-report.txt}.
 */
class CrashRecoveryIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SQLI = "id=1' UNION SELECT password FROM users--";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token = "crash-test-token-" + Long.toHexString(new Random().nextLong());
    private Path work;
    private Process server;
    private int port;
    /** The JVM options every start of the server gets (the AOT cache once trained). */
    private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx768m", "-XX:TieredStopAtLevel=1"));

    /** Ids the server acknowledged (200), and which of them carry the rule trigger. */
    private final Set<String> acked = ConcurrentHashMap.newKeySet();

    private final Set<String> ackedTriggers = ConcurrentHashMap.newKeySet();

    @Test
    void noAcknowledgedEventIsLostAcrossKillNineCycles() throws Exception {
        int cycles = Integer.getInteger("vigil.crash.cycles", 3);
        // a time budget (minutes, 0 = none): no new cycle starts after it; the final checks still run
        long budgetNanos = TimeUnit.MINUTES.toNanos(Long.getLong("vigil.crash.max-minutes", 0));
        Path jar = Path.of("target/vigil.jar").toAbsolutePath();
        assertThat(jar).as("the packaged server (mvn package)").exists();
        work = Files.createTempDirectory("vigil-crash");
        port = freePort();
        jar = prepare(jar);
        Random random = new Random(42);
        List<String> lines = new ArrayList<>();
        long totalStart = System.nanoTime();
        long startMillisSum = 0;
        AtomicLong sent = new AtomicLong();

        start(jar);
        HttpResponse<String> created = http.send(
                request("/api/v1/sources")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"name\":\"crash\",\"intake\":\"http\",\"parser\":\"json\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        int ran = 0;
        for (int cycle = 1; cycle <= cycles; cycle++) {
            if (budgetNanos > 0 && System.nanoTime() - totalStart > budgetNanos) {
                String line = "time budget of %d min used up: stopping after %d of %d cycles"
                        .formatted(TimeUnit.NANOSECONDS.toMinutes(budgetNanos), ran, cycles);
                lines.add(line);
                System.out.println("crash-test " + line);
                break;
            }
            ran = cycle;
            Instant cycleStart = Instant.now();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int client = t;
                int c = cycle;
                Thread th = Thread.ofPlatform().daemon(true).start(() -> stream(c, client, stop, sent));
                clients.add(th);
            }
            TimeUnit.MILLISECONDS.sleep(1000 + random.nextInt(3000));
            server.destroyForcibly(); // SIGKILL
            server.waitFor(30, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread th : clients) {
                th.join(TimeUnit.SECONDS.toMillis(30));
            }
            long t0 = System.nanoTime();
            start(jar);
            long startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            startMillisSum += startedMs;
            Set<String> cycleAcked = new HashSet<>();
            for (String id : acked) {
                if (id.startsWith("c" + cycle + "-")) {
                    cycleAcked.add(id);
                }
            }
            Set<String> found = storedIds(cycleStart.minusSeconds(5));
            Set<String> lost = new HashSet<>(cycleAcked);
            lost.removeAll(found);
            String line = "cycle %d: %d acknowledged, %d lost, restart %d ms"
                    .formatted(cycle, cycleAcked.size(), lost.size(), startedMs);
            lines.add(line);
            System.out.println("crash-test " + line);
            Files.write(Path.of("target/crash-test-report.txt"), lines); // progress, also when a later cycle fails
            assertThat(lost)
                    .as("acknowledged ids missing after restart %d", cycle)
                    .isEmpty();
        }

        // the whole store: every id acknowledged in any cycle
        Set<String> all = storedIds(null);
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(all);
        assertThat(lost).as("acknowledged ids missing at the end").isEmpty();
        assertThat(all.size()).isEqualTo(countDistinctStored(all));

        // detection: every acknowledged trigger has exactly one alert
        Map<String, Integer> alertsPerCid = alertsByCid();
        Set<String> unalerted = new HashSet<>(ackedTriggers);
        unalerted.removeAll(alertsPerCid.keySet());
        assertThat(unalerted).as("acknowledged rule triggers without an alert").isEmpty();
        assertThat(alertsPerCid.values()).as("alerts per event").allMatch(n -> n == 1);

        // integrity: the chain covers everything, clean
        JsonNode v = post("/api/v1/events/verifications?wait=true", "{}");
        assertThat(v.get("status").asString()).as(v.toString()).isEqualTo("clean");

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - totalStart);
        String summary = ("crash test: %d kill -9 cycles in %d s, %d events sent, %d acknowledged, 0 lost;"
                        + " %d rule triggers acknowledged, each alerted once; verification clean (%d batches,"
                        + " %d events); mean restart %d ms")
                .formatted(
                        ran,
                        seconds,
                        sent.get(),
                        acked.size(),
                        ackedTriggers.size(),
                        v.get("batchesChecked").asLong(),
                        v.get("eventsChecked").asLong(),
                        startMillisSum / Math.max(1, ran));
        lines.add(summary);
        System.out.println(summary);
        Files.write(Path.of("target/crash-test-report.txt"), lines);
    }

    /** One client: batches of 100 events, each with a unique id; records what was acknowledged. */
    private void stream(int cycle, int client, AtomicBoolean stop, AtomicLong sent) {
        long n = 0;
        while (!stop.get()) {
            StringBuilder body = new StringBuilder();
            List<String> ids = new ArrayList<>(100);
            List<String> triggers = new ArrayList<>();
            for (int i = 0; i < 100; i++, n++) {
                String id = "c" + cycle + "-" + client + "-" + n;
                ids.add(id);
                boolean trigger = n % 97 == 0;
                if (trigger) {
                    triggers.add(id);
                }
                body.append("{\"cid\":\"")
                        .append(id)
                        .append("\",\"c-ip\":\"198.51.100.")
                        .append(n % 250)
                        .append("\",\"cs-uri-stem\":\"/p\",\"cs-uri-query\":\"")
                        .append(trigger ? SQLI : "q=" + n)
                        .append("\"}\n");
            }
            sent.addAndGet(100);
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base() + "/api/v1/ingest/crash"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acked.addAll(ids);
                    ackedTriggers.addAll(triggers);
                } else if (r.statusCode() == 429 || r.statusCode() == 503) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (IOException e) {
                return; // the server was killed: this batch was not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The cids stored (received at or after {@code since}, or all), through the export API. */
    private Set<String> storedIds(Instant since) throws Exception {
        String q = "/api/v1/events/export?format=csv&fields=cid&timeField=received&q="
                + URLEncoder.encode("_source:crash", StandardCharsets.UTF_8)
                + (since == null ? "" : "&from=" + since);
        HttpResponse<Stream<String>> r = http.send(request(q).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        try (Stream<String> lines = r.body()) {
            lines.skip(1).forEach(l -> ids.add(l.substring(l.lastIndexOf(',') + 1)));
        }
        return ids;
    }

    private long countDistinctStored(Set<String> distinct) throws Exception {
        JsonNode r =
                get("/api/v1/events/search?size=1&q=" + URLEncoder.encode("_source:crash", StandardCharsets.UTF_8));
        long total = r.get("total").asLong();
        assertThat(total).as("no event is stored twice").isEqualTo(distinct.size());
        return total;
    }

    private Map<String, Integer> alertsByCid() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (int page = 0; ; page++) {
            JsonNode r = get("/api/v1/alerts?source=crash&size=500&page=" + page);
            JsonNode items = r.get("items");
            for (JsonNode a : items) {
                JsonNode ev = JSON.readTree(
                        a.get("event").isString()
                                ? a.get("event").asString()
                                : a.get("event").toString());
                out.merge(ev.get("cid").asString(), 1, Integer::sum);
            }
            if (items.size() < 500) {
                return out;
            }
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Restarts dominate the test's time, and a start is CPU-bound class loading: the jar is extracted (the JVM reads
     * plain jars faster than Spring Boot's nested ones), and with
     * {@code -Dvigil.crash.aot=true} one training start (Spring context refreshed, then exit) writes an AOT cache
     * (JDK 25, JEP 483/514) that every later start loads its classes from. Neither changes what the server does.
     */
    private Path prepare(Path jar) throws Exception {
        Path app = work.resolve("app");
        run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", app.toString()));
        Path extracted = app.resolve(jar.getFileName());
        if (!Files.isRegularFile(extracted)) {
            return jar;
        }
        if (Boolean.getBoolean("vigil.crash.aot") && Runtime.version().feature() >= 25) {
            Path cache = app.resolve("vigil.aot");
            List<String> training = new ArrayList<>(List.of(java()));
            training.addAll(jvmOptions);
            training.addAll(List.of(
                    "-XX:AOTCacheOutput=" + cache,
                    "-Dspring.context.exit=onRefresh",
                    "-jar",
                    extracted.toString(),
                    "server",
                    "--data-dir",
                    work.resolve("aot-training").toString(),
                    "--port",
                    "0",
                    "--vigil.ingest.syslog.enabled=false"));
            run(training);
            stopPostmaster(work.resolve("aot-training/pg/postmaster.pid")); // the training run leaves it running
            if (Files.isRegularFile(cache)) {
                jvmOptions.add("-XX:AOTCache=" + cache);
            }
            System.out.println("crash-test AOT cache " + (Files.isRegularFile(cache) ? cache : "not written"));
        }
        return extracted;
    }

    private static void stopPostmaster(Path pid) {
        if (!Files.exists(pid)) {
            return;
        }
        try {
            long p = Long.parseLong(Files.readAllLines(pid).get(0).strip());
            ProcessHandle.of(p).ifPresent(h -> {
                h.destroy(); // SIGTERM: PostgreSQL's smart shutdown
                h.onExit()
                        .orTimeout(60, TimeUnit.SECONDS)
                        .exceptionally(e -> null)
                        .join();
            });
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        work.resolve("prepare.log").toFile()))
                .start();
        if (!p.waitFor(Long.getLong("vigil.crash.start-timeout", 300), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void start(Path jar) throws Exception {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions); // -XX:TieredStopAtLevel=1 starts faster; this is not a performance test
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "server",
                "--data-dir",
                work.resolve("data").toString(),
                "--port",
                Integer.toString(port),
                "--vigil.ingest.syslog.enabled=false",
                "--vigil.events.commit-interval=2s"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("VIGIL_BOOTSTRAP_API_TOKEN", token);
        pb.redirectErrorStream(true);
        pb.redirectOutput(
                ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile()));
        server = pb.start();
        long startTimeout = Long.getLong("vigil.crash.start-timeout", 300);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startTimeout);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited; log: " + work.resolve("server.log"));
            }
            try {
                HttpResponse<String> r =
                        http.send(request("/actuator/health").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError(
                "the server did not start in " + startTimeout + " s; log: " + work.resolve("server.log"));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode post(String path, String json) throws Exception {
        HttpResponse<String> r = http.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy(); // SIGTERM: a clean stop, which also stops the bundled PostgreSQL
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        // a postmaster left by the last kill -9 (when the test failed before the final clean stop)
        if (work != null) {
            stopPostmaster(work.resolve("data/pg/postmaster.pid"));
            stopPostmaster(work.resolve("aot-training/pg/postmaster.pid"));
        }
        if (work != null && !Boolean.getBoolean("vigil.crash.keep")) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    static void print(PrintStream out, String s) {
        out.println(s);
    }
}
