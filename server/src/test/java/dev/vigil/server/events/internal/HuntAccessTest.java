package dev.vigil.server.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Who may start and cancel retro-hunts, through the HTTP API and the pages, with real users of each role: starting
 * needs {@code hunts_run} (analyst, responder, admin; not auditor or viewer); cancelling is for the hunt's owner (any
 * session or personal token of that user) and administrators; both are audited. The hunt pool is held busy so that
 * the hunts stay queued while they are cancelled.
 */
@VigilServerTest
class HuntAccessTest {
    private static final String HUNT = "{\"active\":true,\"from\":\"now-1m\",\"query\":\"hunt-access-none\"}";

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    HuntService hunts;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private User user(String name, String role) {
        return users.create(new UserRequest(
                name + "-" + suffix, null, null, Set.of(role), true, "password-" + name + "-" + suffix));
    }

    private TestApi tokenOf(User u, Role role) {
        return new TestApi(
                port,
                tokens.issueApiToken(u.username() + "-token", u.id(), Set.of(role), null)
                        .token());
    }

    @Test
    void onlyTheOwnerOrAnAdministratorCancelsAHuntAndBothAreAudited() throws Exception {
        User alice = user("alice", "analyst");
        User bob = user("bob", "analyst");
        User carol = user("carol", "responder");
        User audrey = user("audrey", "auditor");
        User victor = user("victor", "viewer");
        TestApi asAlice = tokenOf(alice, Role.ANALYST);
        TestApi asBob = tokenOf(bob, Role.ANALYST);
        TestApi asCarol = tokenOf(carol, Role.RESPONDER);
        TestApi asAuditor = tokenOf(audrey, Role.AUDITOR);
        TestApi asViewer = tokenOf(victor, Role.VIEWER);
        TestApi admin = TestApi.admin(port);

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        hunts.pool().submit(() -> {
            busy.countDown();
            release.await();
            return null;
        });
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
        String mine;
        String carols;
        try {
            // Starting: analysts and responders may, the read-only roles may not (auditors still read hunts).
            assertThat(asAuditor.postJson("/api/v1/hunts", HUNT).status()).isEqualTo(403);
            assertThat(asAuditor
                            .post("/api/v1/hunts", "application/yaml", "title: t\nlogsource: {}\n")
                            .status())
                    .isEqualTo(403);
            assertThat(asViewer.postJson("/api/v1/hunts", HUNT).status()).isEqualTo(403);
            TestApi.Response started = asAlice.postJson("/api/v1/hunts", HUNT);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            mine = started.json().get("id").asString();
            assertThat(started.json().get("status").asString()).isEqualTo("queued");
            TestApi.Response byCarol = asCarol.postJson("/api/v1/hunts", HUNT);
            assertThat(byCarol.status()).as(byCarol.body()).isEqualTo(202);
            carols = byCarol.json().get("id").asString();
            assertThat(asAuditor.get("/api/v1/hunts/" + mine).status()).isEqualTo(200);
            assertThat(asAuditor.get("/api/v1/hunts").body()).contains(mine);
            assertThat(asViewer.get("/api/v1/hunts").status()).isEqualTo(403);

            // Cancelling: not another analyst, not a reader, not a viewer; 404 for a hunt that does not exist.
            TestApi.Response denied = asBob.postJson("/api/v1/hunts/" + mine + "/cancel", "");
            assertThat(denied.status()).as(denied.body()).isEqualTo(403);
            assertThat(denied.body()).contains("only the principal that started this hunt");
            assertThat(asAuditor
                            .postJson("/api/v1/hunts/" + mine + "/cancel", "")
                            .status())
                    .isEqualTo(403);
            assertThat(asViewer.postJson("/api/v1/hunts/" + mine + "/cancel", "")
                            .status())
                    .isEqualTo(403);
            assertThat(asCarol.postJson("/api/v1/hunts/" + mine + "/cancel", "").status())
                    .isEqualTo(403);
            assertThat(asBob.postJson("/api/v1/hunts/" + UUID.randomUUID() + "/cancel", "")
                            .status())
                    .isEqualTo(404);
            assertThat(audit(admin, mine, "cancelled")).isEmpty();

            // The owner may, from another credential of the same user (a browser session).
            TestSession aliceSession = TestSession.signedIn(port, alice.username(), "password-alice-" + suffix);
            assertThat(aliceSession.get("/hunts/" + mine).body()).contains("Cancel the hunt");
            TestSession bobSession = TestSession.signedIn(port, bob.username(), "password-bob-" + suffix);
            assertThat(bobSession.get("/hunts/" + mine).body()).doesNotContain("Cancel the hunt");
            assertThat(bobSession.postForm("/hunts/" + mine + "/cancel", "").status())
                    .isEqualTo(403);
            TestApi.Response cancelled = aliceSession.postForm("/hunts/" + mine + "/cancel", "");
            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(302);

            // An administrator may cancel anyone's hunt.
            TestApi.Response byAdmin = admin.postJson("/api/v1/hunts/" + carols + "/cancel", "");
            assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
        } finally {
            release.countDown();
        }
        assertThat(awaitFinished(admin, mine).get("status").asString()).isEqualTo("cancelled");
        assertThat(awaitFinished(admin, carols).get("status").asString()).isEqualTo("cancelled");

        // Audited: who started each hunt and who cancelled it.
        JsonNode start = audit(admin, mine, "started").get(0);
        assertThat(start.get("actorName").asString()).contains(alice.username());
        assertThat(start.get("after").asString()).contains("\"active\":true", "hunt-access-none");
        assertThat(audit(admin, mine, "cancelled"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("actorName").asString()).isEqualTo(alice.username()));
        assertThat(audit(admin, carols, "started").get(0).get("actorName").asString())
                .contains(carol.username());
        assertThat(audit(admin, carols, "cancelled"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("actorType").asString()).isEqualTo("token"));
        // Cancelling a finished hunt changes nothing and is not audited again.
        assertThat(asAlice.postJson("/api/v1/hunts/" + mine + "/cancel", "").status())
                .isEqualTo(200);
        assertThat(audit(admin, mine, "cancelled")).hasSize(1);
    }

    @Test
    void theHuntsPageOffersStartingOnlyToThoseWhoMayStart() {
        User audrey = user("audrey", "auditor");
        TestSession auditor = TestSession.signedIn(port, audrey.username(), "password-audrey-" + suffix);
        String page = auditor.get("/hunts").body();
        assertThat(page).contains("Recent hunts", "needs the permission").doesNotContain("Start the hunt");
        assertThat(auditor.postForm("/hunts", "what=active&range=1h").status()).isEqualTo(403);
        User ana = user("ana", "analyst");
        TestSession analyst = TestSession.signedIn(port, ana.username(), "password-ana-" + suffix);
        assertThat(analyst.get("/hunts").body()).contains("Start the hunt");
    }

    private static java.util.List<JsonNode> audit(TestApi admin, String hunt, String action) {
        TestApi.Response r =
                admin.get("/api/v1/audit?objectType=hunt&objectId=" + hunt + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    private static JsonNode awaitFinished(TestApi admin, String id) throws InterruptedException {
        JsonNode job = admin.get("/api/v1/hunts/" + id).json();
        for (int i = 0;
                i < 600
                        && !Set.of("done", "cancelled", "failed")
                                .contains(job.get("status").asString());
                i++) {
            Thread.sleep(50);
            job = admin.get("/api/v1/hunts/" + id).json();
        }
        return job;
    }
}
