package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@VigilServerTest
class ApiSecurityTest {
    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    UserService users;

    @Test
    void everyEndpointRequiresAToken() {
        TestApi anonymous = new TestApi(port, null);
        for (String path : new String[] {"/api/v1/tokens", "/actuator/health", "/actuator/prometheus", "/nothing"}) {
            TestApi.Response r = anonymous.get(path);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void anInvalidTokenIsRejected() {
        assertThat(new TestApi(port, "vigil_not-a-token")
                        .get("/actuator/health")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void theBootstrapTokenIsAnAdminToken() {
        TestApi admin = TestApi.admin(port);
        assertThat(admin.get("/actuator/health").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/tokens?size=500").json().findValuesAsString("name"))
                .contains("bootstrap");
        assertThat(tokens.list()).noneMatch(t -> t.prefix().length() > 12);
    }

    @Test
    void scopesLimitWhatATokenMayDo() {
        IssuedApiToken ingest = tokens.issue(ApiScope.INGEST, "ingest-" + UUID.randomUUID(), "firewall", null);
        IssuedApiToken metrics = tokens.issue(ApiScope.METRICS, "prom-" + UUID.randomUUID(), null, null);
        TestApi asIngest = new TestApi(port, ingest.token());
        TestApi asMetrics = new TestApi(port, metrics.token());

        assertThat(asIngest.get("/api/v1/tokens").status()).isEqualTo(403);
        assertThat(asIngest.get("/actuator/health").status()).isEqualTo(200);
        assertThat(asIngest.get("/actuator/health").body()).doesNotContain("components");
        assertThat(TestApi.admin(port).get("/actuator/health").body()).contains("\"db\"");
        assertThat(asIngest.get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(asMetrics.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(asMetrics.get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
        assertThat(asMetrics.get("/api/v1/tokens").status()).isEqualTo(403);

        ApiPrincipal p = tokens.authenticate(ingest.token()).orElseThrow();
        assertThat(p.mayIngestInto("firewall")).isTrue();
        assertThat(p.mayIngestInto("other")).isFalse();
    }

    @Test
    void tokensAreStoredHashedAndCanBeRevoked() {
        TestApi admin = TestApi.admin(port);
        TestApi.Response created = admin.postJson("/api/v1/tokens", "{\"name\":\"ci\",\"scope\":\"metrics\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asString();
        String id = created.json().get("info").get("id").asString();
        assertThat(token).startsWith("vigil_");
        assertThat(new TestApi(port, token).get("/actuator/health").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/tokens").body()).doesNotContain(token);

        assertThat(admin.delete("/api/v1/tokens/" + id).status()).isEqualTo(204);
        assertThat(new TestApi(port, token).get("/actuator/health").status()).isEqualTo(401);
        assertThat(admin.delete("/api/v1/tokens/" + id).status()).isEqualTo(404);
    }

    @Test
    void tokensCannotBeIssuedAlreadyExpired() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tokens.issue(
                        ApiScope.METRICS, "short", null, Instant.now().minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shippersMaySendTheTokenAsBasicAuthOrApiKey() {
        String basic = Base64.getEncoder()
                .encodeToString(("elastic:" + VigilServerTest.ADMIN_TOKEN).getBytes(StandardCharsets.UTF_8));
        TestApi api = new TestApi(port, null);
        assertThat(api.getWithAuthorization("/actuator/health", "Basic " + basic)
                        .status())
                .isEqualTo(200);
        assertThat(api.getWithAuthorization("/actuator/health", "ApiKey " + VigilServerTest.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);
        String esKey = Base64.getEncoder()
                .encodeToString(("key-id:" + VigilServerTest.ADMIN_TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(api.getWithAuthorization("/actuator/health", "ApiKey " + esKey)
                        .status())
                .isEqualTo(200);
        assertThat(api.getWithAuthorization("/actuator/health", "Digest abc").status())
                .isEqualTo(401);
    }

    @Test
    void theOpenApiDescriptionIsServedToAdmins() {
        TestApi.Response docs = TestApi.admin(port).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/v1/alerts", "/api/v1/rules/import", "/api/v1/applications");
        assertThat(new TestApi(port, null).get("/v3/api-docs").status()).isEqualTo(401);
    }

    @Test
    void aPersonalTokenCannotIssueATokenStrongerThanItself() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        User owner = users.create(new UserRequest(
                "owner-" + suffix, null, null, Set.of("admin", "viewer"), true, "owner-password-" + suffix));
        IssuedApiToken viewerToken = tokens.issueApiToken("viewer-of-" + suffix, owner.id(), Set.of(Role.VIEWER), null);
        TestApi asViewer = new TestApi(port, viewerToken.token());
        assertThat(asViewer.get("/api/v1/tokens").status()).isEqualTo(403);

        // Asking for the owner's admin role is refused; asking for no roles gives the token's own, not the owner's.
        TestApi.Response admin =
                asViewer.postJson("/api/v1/me/tokens", "{\"name\":\"escalate\",\"roles\":[\"admin\"]}");
        assertThat(admin.status()).as(admin.body()).isEqualTo(403);
        TestApi.Response plain = asViewer.postJson("/api/v1/me/tokens", "{\"name\":\"plain\"}");
        assertThat(plain.status()).as(plain.body()).isEqualTo(201);
        assertThat(plain.json().path("info").path("roles").toString()).isEqualTo("[\"viewer\"]");
        assertThat(new TestApi(port, plain.json().path("token").asString())
                        .get("/api/v1/tokens")
                        .status())
                .isEqualTo(403);

        // The account page's form, called with the token, is limited the same way.
        TestApi.Response page =
                asViewer.post("/account/tokens", "application/x-www-form-urlencoded", "name=page-" + suffix);
        assertThat(page.status()).as(page.body()).isEqualTo(302);
        assertThat(tokens.listForUser(owner.id()))
                .filteredOn(t -> t.name().equals("page-" + suffix))
                .singleElement()
                .extracting(ApiTokenInfo::roles)
                .isEqualTo(Set.of(Role.VIEWER));
        assertThat(tokens.list())
                .noneMatch(t -> owner.id().equals(t.userId()) && t.roles().contains(Role.ADMIN));
    }

    @Test
    void userAndTeamTextIsLimitedForApiCallersAsInTheForms() {
        TestApi admin = TestApi.admin(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TestApi.Response user = admin.postJson(
                "/api/v1/users",
                "{\"username\":\"long-" + suffix + "\",\"displayName\":\"" + "d".repeat(201)
                        + "\",\"roles\":[\"viewer\"]}");
        assertThat(user.status()).as(user.body()).isEqualTo(400);
        assertThat(user.body()).contains("displayName must be at most 200 characters");
        TestApi.Response team = admin.postJson(
                "/api/v1/teams", "{\"name\":\"long-" + suffix + "\",\"description\":\"" + "d".repeat(201) + "\"}");
        assertThat(team.status()).as(team.body()).isEqualTo(400);
        assertThat(team.body()).contains("description must be at most 200 characters");
        assertThat(admin.postJson(
                                "/api/v1/teams",
                                "{\"name\":\"long-" + suffix + "\",\"description\":\"" + "d".repeat(200) + "\"}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void badRequestsGetAClearError() {
        TestApi.Response r = TestApi.admin(port).postJson("/api/v1/tokens", "{\"name\":\"x\",\"scope\":\"root\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("unknown scope");
    }
}
