package dev.vigil.server.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.AccessRefusal;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.platform.audit.ChainVerification;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refused changes are audited ({@code request_refused}): who, what (method and path template, never the raw path or
 * query), why and from where, for refusals by the route's permission and by a service's own rule; at most one entry
 * per principal and action per interval, the attempts in between counted in a metric and in the next entry; allowed
 * requests, refused reads and unauthenticated requests leave no such entry; the audit chain stays intact.
 */
@VigilServerTest
class RefusedChangeAuditTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    UserService users;

    @Autowired
    AuditLog audit;

    @Autowired
    RefusedChangeAudit refusals;

    @Autowired
    RouteTable routes;

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactionManager;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void clearContext() {
        SecurityContextHolder.clearContext();
    }

    private List<AuditEntry> refusedBy(String actor) {
        return audit.find(
                        new AuditQuery(actor, RefusedChangeAudit.ACTION, null, null, null, null, null),
                        PageQuery.of(0, 500))
                .items()
                .reversed(); // oldest first
    }

    private long refusedInAll() {
        return audit.find(
                        new AuditQuery(null, RefusedChangeAudit.ACTION, null, null, null, null, null),
                        PageQuery.of(0, 1))
                .total();
    }

    private static JsonNode details(AuditEntry e) {
        return JSON.readTree(e.after());
    }

    private double suppressedMetric() {
        return meters.counter("vigil.security.refusals.suppressed").count();
    }

    private TestApi analyst(String name) {
        return new TestApi(
                port,
                tokens.issueApiToken(name, null, Set.of(Role.ANALYST), null).token());
    }

    @Test
    void aRefusedPostIsAuditedWithWhoWhatWhyAndWhereButNotItsRawPathOrQuery() {
        String name = "refused-" + suffix;
        TestApi analyst = analyst(name);
        String user = UUID.randomUUID().toString();
        TestApi.Response r =
                analyst.post("/api/v1/users/" + user + "/unlock?password=hunter2-" + suffix, "application/json", "");
        assertThat(r.status()).as(r.body()).isEqualTo(403);

        List<AuditEntry> entries = refusedBy(name);
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.actorType()).isEqualTo("token");
            assertThat(e.objectType()).isEqualTo("route");
            assertThat(e.objectId()).isEqualTo("POST /api/v1/users/{id}/unlock");
            assertThat(e.sourceIp()).isEqualTo("127.0.0.1");
            JsonNode d = details(e);
            assertThat(d.path("method").asString()).isEqualTo("POST");
            assertThat(d.path("route").asString()).isEqualTo("/api/v1/users/{id}/unlock");
            assertThat(d.path("reason").asString()).isEqualTo("needs the permission users_write");
            assertThat(d.path("client").asString()).isEqualTo("127.0.0.1");
            assertThat(d.path("suppressed").asLong()).isZero();
            assertThat(e.after()).doesNotContain("hunter2", user);
        });

        assertThat(audit.verify().intact()).isTrue();
    }

    private List<AuditEntry> everythingBy(String actor) {
        return audit.find(new AuditQuery(actor, null, null, null, null, null, null), PageQuery.of(0, 500))
                .items()
                .reversed(); // oldest first
    }

    @Test
    void aRefusalItsServiceAuditedIsInTheLogOnceAsTheServicesEntry() {
        // A service's own rule with its own entry: an administrator may not mint a personal token for someone else.
        User other = users.create(
                new UserRequest("refused-other-" + suffix, null, null, Set.of("viewer"), true, "refused-pw-" + suffix));
        String admin = "refused-admin-" + suffix;
        TestApi asAdmin = new TestApi(
                port,
                tokens.issueApiToken(admin, null, Set.of(Role.ADMIN), null).token());
        List<AuditEntry> before = everythingBy(admin);
        TestApi.Response minted = asAdmin.postJson(
                "/api/v1/tokens",
                "{\"name\":\"x\",\"scope\":\"api\",\"userId\":\"" + other.id() + "\",\"roles\":[\"viewer\"]}");
        assertThat(minted.status()).as(minted.body()).isEqualTo(403);
        List<AuditEntry> after = everythingBy(admin);
        assertThat(after.subList(before.size(), after.size())).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("token_issue_denied");
            assertThat(e.objectType()).isEqualTo("user");
            assertThat(e.objectId()).isEqualTo(other.id().toString());
            assertThat(e.actorType()).isEqualTo("token");
            assertThat(details(e).path("reason").asString()).contains("a personal token can be issued only by its own");
        });
        assertThat(refusedBy(admin)).isEmpty();

        // The same principal's refusals that no service audits are still request_refused, one entry each.
        String source = "refused-src-" + suffix;
        assertThat(asAdmin.postJson(
                                "/api/v1/sources",
                                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\"}")
                        .status())
                .isEqualTo(201);
        String analystName = "refused-analyst-" + suffix;
        TestApi analyst = analyst(analystName);
        // the ingest token rotation is refused by the source service, which audits it (token_rotation_denied) ...
        assertThat(analyst.postJson("/api/v1/sources/" + source + "/token", "").status())
                .isEqualTo(403);
        // ... the secrets rotation by the route's permission, audited here
        assertThat(analyst.postJson("/api/v1/system/secrets/rotate", "").status())
                .isEqualTo(403);
        assertThat(everythingBy(analystName))
                .extracting(AuditEntry::action, AuditEntry::objectId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("token_rotation_denied", source),
                        org.assertj.core.groups.Tuple.tuple("request_refused", "POST /api/v1/system/secrets/rotate"));
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void aRequestMarkedAsAuditedIsNeitherWrittenNorCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RefusedChangeAudit limiter = new RefusedChangeAudit(
                audit,
                routes,
                Clock.systemUTC(),
                new SecurityProperties.Refusals(Duration.ofMinutes(1), 100),
                registry);
        Actor actor = new Actor("token", UUID.randomUUID().toString(), "marked-" + suffix);
        Actor.Source principal = () -> actor;
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(principal, null, "x"));
        for (int i = 0; i < 3; i++) {
            MockHttpServletRequest marked = new MockHttpServletRequest("POST", "/api/v1/tokens");
            limiter.afterChain(marked, new MockHttpServletResponse(), (req, res) -> {
                org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                        new org.springframework.web.context.request.ServletRequestAttributes(
                                (jakarta.servlet.http.HttpServletRequest) req));
                try {
                    AccessRefusal.audited(); // what a service does after writing its own entry
                } finally {
                    org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
                }
                ((jakarta.servlet.http.HttpServletResponse) res).setStatus(403);
            });
        }
        assertThat(refusedBy(actor.name())).isEmpty();
        assertThat(registry.counter("vigil.security.refusals.recorded").count()).isZero();
        assertThat(registry.counter("vigil.security.refusals.suppressed").count())
                .isZero();

        // an unmarked refusal of the same action afterwards is the first of its window
        MockHttpServletRequest unmarked = new MockHttpServletRequest("POST", "/api/v1/tokens");
        limiter.afterChain(
                unmarked,
                new MockHttpServletResponse(),
                (req, res) -> ((jakarta.servlet.http.HttpServletResponse) res).setStatus(403));
        assertThat(refusedBy(actor.name()))
                .singleElement()
                .satisfies(
                        e -> assertThat(details(e).path("suppressed").asLong()).isZero());
        assertThat(registry.counter("vigil.security.refusals.recorded").count()).isEqualTo(1);
    }

    @Test
    void theMarkOfAnAuditedRefusalFollowsTheTransactionOfItsEntry() {
        var transactions = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
        MockHttpServletRequest committed = new MockHttpServletRequest("POST", "/api/v1/tokens");
        MockHttpServletRequest rolledBack = new MockHttpServletRequest("POST", "/api/v1/tokens");
        MockHttpServletRequest outside = new MockHttpServletRequest("POST", "/api/v1/tokens");
        try {
            org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                    new org.springframework.web.context.request.ServletRequestAttributes(committed));
            transactions.executeWithoutResult(s -> AccessRefusal.audited());
            org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                    new org.springframework.web.context.request.ServletRequestAttributes(rolledBack));
            transactions.executeWithoutResult(s -> {
                AccessRefusal.audited();
                s.setRollbackOnly(); // the service's entry is gone: the generic one must be written
            });
            org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                    new org.springframework.web.context.request.ServletRequestAttributes(outside));
            AccessRefusal.audited();
        } finally {
            org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
        }
        assertThat(AccessRefusal.isAudited(committed)).isTrue();
        assertThat(AccessRefusal.isAudited(rolledBack)).isFalse();
        assertThat(AccessRefusal.isAudited(outside)).isTrue();
        AccessRefusal.audited(); // outside a request: nothing to mark, no failure
    }

    @Test
    void aHundredRefusedPostsMakeABoundedNumberOfEntriesThatCountEveryAttempt() {
        String name = "flood-" + suffix;
        TestApi analyst = analyst(name);
        double suppressedBefore = suppressedMetric();
        Instant start = Instant.now();
        for (int i = 0; i < 100; i++) {
            assertThat(analyst.postJson("/api/v1/system/secrets/rotate", "").status())
                    .isEqualTo(403);
        }
        long minutes = Duration.between(start, Instant.now()).toMinutes();
        List<AuditEntry> entries = refusedBy(name);
        // one per started minute (interval 1m) at most: the first attempt and one per window after it
        assertThat(entries).isNotEmpty().hasSizeLessThanOrEqualTo((int) minutes + 2);
        long inLog = entries.stream()
                .mapToLong(e -> details(e).path("suppressed").asLong())
                .sum();
        long suppressed = (long) (suppressedMetric() - suppressedBefore);
        assertThat(entries.size() + suppressed)
                .as("every attempt is an entry or counted")
                .isEqualTo(100);

        // The attempts not yet in the log are written when the window ends (here: forgotten now).
        refusals.flush();
        List<AuditEntry> after = refusedBy(name);
        assertThat(after).hasSize(entries.size() + 1);
        JsonNode closing = details(after.getLast());
        assertThat(closing.path("closing").asBoolean()).isTrue();
        assertThat(closing.path("route").asString()).isEqualTo("/api/v1/system/secrets/rotate");
        assertThat(inLog + closing.path("suppressed").asLong())
                .as("suppressed counts in the log")
                .isEqualTo(suppressed);
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void theNextEntryAfterTheIntervalCarriesTheSuppressedCount() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RefusedChangeAudit limiter = new RefusedChangeAudit(
                audit, routes, clock, new SecurityProperties.Refusals(Duration.ofMinutes(1), 100), registry);
        Actor actor = new Actor("token", UUID.randomUUID().toString(), "unit-" + suffix);
        Actor.Source principal = () -> actor;
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(principal, null, "x"));
        Runnable attempt = () -> {
            MockHttpServletRequest request = new MockHttpServletRequest("DELETE", "/api/v1/things/42");
            request.setRemoteAddr("192.0.2.7");
            try {
                limiter.afterChain(request, new MockHttpServletResponse(), (req, res) -> {
                    req.setAttribute(RefusedChangeAudit.ROUTE, "/api/v1/things/{id}");
                    AccessRefusal.note((jakarta.servlet.http.HttpServletRequest) req, "needs the permission x");
                    ((jakarta.servlet.http.HttpServletResponse) res).setStatus(403);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        for (int i = 0; i < 100; i++) {
            attempt.run();
            now.set(now.get().plusMillis(100)); // 100 attempts in 10 s
        }
        assertThat(refusedBy(actor.name())).hasSize(1);
        assertThat(registry.counter("vigil.security.refusals.suppressed").count())
                .isEqualTo(99);

        now.set(Instant.parse("2030-01-01T00:01:00Z"));
        attempt.run();
        List<AuditEntry> entries = refusedBy(actor.name());
        assertThat(entries).hasSize(2);
        JsonNode next = details(entries.getLast());
        assertThat(next.path("suppressed").asLong()).isEqualTo(99);
        assertThat(next.path("suppressedSince").asString()).isEqualTo("2030-01-01T00:00:00.100Z");
        assertThat(next.path("client").asString()).isEqualTo("192.0.2.7");
        assertThat(entries.getLast().objectId()).isEqualTo("DELETE /api/v1/things/{id}");
        assertThat(registry.counter("vigil.security.refusals.recorded").count()).isEqualTo(2);
        limiter.flush();
        assertThat(refusedBy(actor.name()))
                .as("nothing left uncounted: no closing entry")
                .hasSize(2);

        // A refused read and an answered change are not refused changes.
        MockHttpServletRequest get = new MockHttpServletRequest("GET", "/api/v1/things/42");
        MockHttpServletResponse forbidden = new MockHttpServletResponse();
        forbidden.setStatus(403);
        try {
            limiter.afterChain(get, forbidden, (req, res) -> {});
            limiter.afterChain(new MockHttpServletRequest("POST", "/x"), new MockHttpServletResponse(), (q, s) -> {});
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(refusedBy(actor.name())).hasSize(2);
    }

    @Test
    void aSignedInBrowserIsAuditedForAFormItMayNotSendAndForAMissingCsrfToken() {
        String viewer = "refused-viewer-" + suffix;
        users.create(new UserRequest(viewer, null, null, Set.of("viewer"), true, "viewer-pw-" + suffix));
        TestSession session = TestSession.signedIn(port, viewer, "viewer-pw-" + suffix);

        TestApi.Response form = session.postForm("/admin/teams", "name=nope-" + suffix);
        assertThat(form.status()).as(form.body()).isEqualTo(403);
        TestApi.Response noCsrf =
                session.request("DELETE", "/api/v1/teams/" + UUID.randomUUID(), "application/json", false);
        assertThat(noCsrf.status()).as(noCsrf.body()).isEqualTo(403);

        List<AuditEntry> entries = refusedBy(viewer);
        assertThat(entries)
                .extracting(AuditEntry::objectId)
                .containsExactly("POST /admin/teams", "DELETE /api/v1/teams/{id}");
        assertThat(entries)
                .extracting(e -> details(e).path("reason").asString())
                .containsExactly("needs the permission users_write", "missing or invalid CSRF token");
        assertThat(entries).allSatisfy(e -> assertThat(e.actorType()).isEqualTo("user"));

        // A wrong password is a failed sign-in (its own, throttled audit), not a refused change.
        TestSession stranger = new TestSession(port);
        stranger.signIn(viewer, "wrong-password");
        assertThat(refusedBy(viewer)).hasSize(2);
        assertThat(audit.find(
                                new AuditQuery(viewer, "sign_in_failed", null, null, null, null, null),
                                PageQuery.of(0, 10))
                        .items())
                .hasSize(1);
    }

    @Test
    void allowedAndUnauthenticatedRequestsLeaveNoRefusalEntry() {
        String name = "allowed-" + suffix;
        TestApi admin = new TestApi(
                port, tokens.issueApiToken(name, null, Set.of(Role.ADMIN), null).token());
        TestApi.Response created = admin.postJson("/api/v1/teams", "{\"name\":\"refusal-team-" + suffix + "\"}");
        assertThat(created.status()).as(created.body()).isBetween(200, 201);
        assertThat(refusedBy(name)).isEmpty();

        long before = refusedInAll();
        TestApi nobody = new TestApi(port, null);
        TestApi badToken = new TestApi(port, "vigil_not-a-token-" + suffix);
        for (int i = 0; i < 5; i++) {
            assertThat(nobody.postJson("/api/v1/system/secrets/rotate", "").status())
                    .isEqualTo(401);
            assertThat(badToken.postJson("/api/v1/system/secrets/rotate", "").status())
                    .isEqualTo(401);
        }
        assertThat(refusedInAll()).as("401s are not refused changes").isEqualTo(before);
        ChainVerification v = audit.verify();
        assertThat(v.intact()).isTrue();
    }
}
