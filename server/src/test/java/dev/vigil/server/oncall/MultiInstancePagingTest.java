package dev.vigil.server.oncall;

import static dev.vigil.server.oncall.PagingCrashRecoveryTest.channel;
import static dev.vigil.server.oncall.PagingCrashRecoveryTest.child;
import static dev.vigil.server.oncall.PagingCrashRecoveryTest.count;
import static dev.vigil.server.oncall.PagingCrashRecoveryTest.id;
import static dev.vigil.server.oncall.PagingCrashRecoveryTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Vigil servers (child JVMs) on ONE database, both running while escalation timers fire: five pages, each with a
 * first step (Ann, acknowledgement timeout one minute) and a second (Bob). Both instances poll the same db-scheduler
 * table, both sweep overdue pages and both run delivery workers; a local HTTP receiver counts what arrives: every step
 * of every page exactly once, never twice.
 */
class MultiInstancePagingTest {
    static final int PAGES = 5;

    @TempDir
    Path dir;

    final List<String> received = new CopyOnWriteArrayList<>();

    @Test
    void twoInstancesOnOneDatabaseDeliverEachEscalationStepExactlyOnce() throws Exception {
        String db = TestPostgres.newDatabase();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("multi-(\\d+)").matcher(body);
            received.add(ex.getRequestURI().getPath() + "#" + (m.find() ? m.group(1) : "?"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Process a = null;
        Process b = null;
        try {
            // one after the other: the first start initialises the database (migrations, bootstrap token and admin)
            a = child(dir, db, "a");
            TestApi apiA = TestApi.admin(port(a, dir.resolve("a.log"), Duration.ofSeconds(300)));
            b = child(dir, db, "b");
            TestApi apiB = TestApi.admin(port(b, dir.resolve("b.log"), Duration.ofSeconds(300)));
            String ann = id(apiA.postJson("/api/v1/oncall/people", "{\"name\":\"Ann\"}"));
            String bob = id(apiA.postJson("/api/v1/oncall/people", "{\"name\":\"Bob\"}"));
            channel(apiA, ann, hook + "/ann");
            channel(apiA, bob, hook + "/bob");
            String policy = id(apiA.postJson("/api/v1/oncall/policies", """
                    {"name":"multi","steps":[
                      {"type":"notify","targets":[{"type":"user","id":"%s"}],"timeoutMinutes":1},
                      {"type":"notify","targets":[{"type":"user","id":"%s"}]}]}""".formatted(ann, bob)));
            List<String> pages = new ArrayList<>();
            for (int i = 0; i < PAGES; i++) {
                TestApi api = i % 2 == 0 ? apiA : apiB; // started on either instance
                pages.add(id(api.postJson("/api/v1/oncall/pages", """
                        {"subjectType":"test","subjectId":"multi-%d","title":"multi-%d","severity":"high","policyId":"%s"}""".formatted(i, i, policy))));
            }
            // the second steps fire a minute later, while both instances run
            Awaitility.await()
                    .atMost(Duration.ofSeconds(180))
                    .until(() ->
                            received.stream().filter(r -> r.startsWith("/bob")).count() >= PAGES);
            assertThat(a.isAlive()).isTrue();
            assertThat(b.isAlive()).isTrue();
            // nothing more arrives
            Awaitility.await()
                    .during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> received.size() == 2 * PAGES);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < PAGES; i++) {
                expected.add("/ann#" + i);
                expected.add("/bob#" + i);
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
            for (String page : pages) {
                assertThat(count(
                                db,
                                "select count(*) from oncall_page_log where page_id = '" + page
                                        + "' and kind = 'escalated'"))
                        .isEqualTo(2);
                assertThat(count(
                                db,
                                "select count(*) from notify_attempts t join notify_deliveries d on d.id = t.delivery_id"
                                        + " where d.correlation = 'page:" + page + "'"))
                        .isEqualTo(2);
            }
            assertThat(a.isAlive() && b.isAlive()).isTrue();
        } finally {
            receiver.stop(0);
            for (Process p : new Process[] {a, b}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }
}
