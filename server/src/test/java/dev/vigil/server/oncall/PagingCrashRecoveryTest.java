package dev.vigil.server.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.VigilApplication;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestPostgres;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A Vigil server in a child JVM pages someone, is killed with SIGKILL while it waits for the acknowledgement timeout,
 * and a new server on the same database delivers the next escalation step — exactly once, and without repeating the
 * first. The timer lives only in PostgreSQL ({@code scheduled_tasks}); nothing is faked.
 */
class PagingCrashRecoveryTest {
    @TempDir
    Path dir;

    /** The at-rest key (base64 of 32 bytes) of every child server. */
    static final String CLUSTER_KEY = "Y2x1c3Rlci1rZXktb2YtdGhlLXRlc3Qtbm9kZXMtMzI=";

    final List<String> received = new CopyOnWriteArrayList<>();

    @Test
    void aKilledServerLosesNoEscalationStepAndTheRestartedOneSendsItOnce() throws Exception {
        String db = TestPostgres.newDatabase();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.add(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Process first = null;
        Process second = null;
        try {
            first = child(dir, db, "first");
            TestApi api = TestApi.admin(port(first, dir.resolve("first.log")));
            String ann = id(api.postJson("/api/v1/oncall/people", "{\"name\":\"Ann\"}"));
            String bob = id(api.postJson("/api/v1/oncall/people", "{\"name\":\"Bob\"}"));
            channel(api, ann, hook + "/ann");
            channel(api, bob, hook + "/bob");
            String policy = id(api.postJson("/api/v1/oncall/policies", """
                    {"name":"crash","steps":[
                      {"type":"notify","targets":[{"type":"user","id":"%s"}],"timeoutMinutes":1},
                      {"type":"notify","targets":[{"type":"user","id":"%s"}]}]}""".formatted(ann, bob)));
            String page = id(api.postJson("/api/v1/oncall/pages", """
                    {"subjectType":"test","subjectId":"crash-1","title":"Crash test","severity":"high","policyId":"%s"}""".formatted(policy)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("/ann"));
            // kill after the first delivery's outcome is committed: a kill between the receiver's 200 and that
            // commit makes the attempt run again after the restart (at-least-once at exactly that point)
            String attempts = "select count(*) from notify_attempts a join notify_deliveries d on d.id = a.delivery_id"
                    + " where d.correlation = 'page:" + page + "'";
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(db, attempts) == 1);

            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(received).containsExactly("/ann");
            assertThat(pendingTimers(db, page)).isEqualTo(1);

            second = child(dir, db, "second");
            port(second, dir.resolve("second.log"));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> received.contains("/bob"));
            // nothing more arrives: the step ran once and the first step was not repeated
            Awaitility.await()
                    .during(Duration.ofSeconds(6))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> received.size() == 2);
            assertThat(received).containsExactly("/ann", "/bob");
            assertThat(count(
                            db,
                            "select count(*) from oncall_page_log where page_id = '" + page
                                    + "' and kind = 'escalated'"))
                    .isEqualTo(2);
            assertThat(count(
                            db,
                            "select count(*) from notify_attempts a join notify_deliveries d on d.id = a.delivery_id"
                                    + " where d.correlation = 'page:" + page + "'"))
                    .isEqualTo(2);
        } finally {
            receiver.stop(0);
            for (Process p : new Process[] {first, second}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    static String id(TestApi.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        JsonNode j = r.json();
        return (j.has("id") ? j.get("id") : j.get("userId")).asString();
    }

    static void channel(TestApi api, String user, String url) {
        id(api.postJson("/api/v1/notify/channels", """
                {"userId":"%s","type":"webhook","address":"%s","secret":"0123456789abcdef-secret"}""".formatted(user, url)));
    }

    private static int pendingTimers(String db, String page) throws Exception {
        return count(
                db,
                "select count(*) from scheduled_tasks where task_name = 'oncall-escalation'"
                        + " and task_instance like '" + page + "/%'");
    }

    static int count(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestPostgres.username(), TestPostgres.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static Process child(Path dir, String db, String name) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data-" + name));
        return new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName(),
                        "--vigil.database.url=" + db,
                        "--vigil.database.username=" + TestPostgres.username(),
                        "--vigil.database.password=" + TestPostgres.password(),
                        "--vigil.database.pool-size=4",
                        "--vigil.data-dir=" + data,
                        // every node of a cluster is given the same at-rest key (the data directories differ)
                        "--vigil.webhooks.secret-key=" + CLUSTER_KEY,
                        "--vigil.notify.allow-loopback=true", // the test's page receiver is on 127.0.0.1
                        "--vigil.security.bootstrap-api-token=" + VigilServerTest.ADMIN_TOKEN,
                        "--server.port=0",
                        "--db-scheduler.polling-interval=2s")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    static int port(Process p, Path log) {
        return port(p, log, Duration.ofSeconds(180));
    }

    /** Waits for the child's port (its start-up may be slow on a loaded machine). */
    static int port(Process p, Path log, Duration atMost) {
        Pattern port = Pattern.compile("VIGIL-CHILD-PORT (\\d+)");
        return Awaitility.await()
                .atMost(atMost)
                .until(
                        () -> {
                            if (!p.isAlive()) {
                                throw new IllegalStateException(
                                        "child died:\n" + Files.readString(log, StandardCharsets.UTF_8));
                            }
                            Matcher m = port.matcher(
                                    Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
                            return m.find() ? Integer.parseInt(m.group(1)) : null;
                        },
                        java.util.Objects::nonNull);
    }

    /** Child JVM main: the real server application; prints its port. */
    public static final class Child {
        public static void main(String[] args) {
            ConfigurableApplicationContext ctx = VigilApplication.create().run(args);
            System.out.println("VIGIL-CHILD-PORT " + ctx.getEnvironment().getProperty("local.server.port"));
            System.out.flush();
        }
    }

    static String unused() {
        return UUID.randomUUID().toString();
    }
}
