package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Two credentials that a permission next to them must not hand out: a source's ingest token (issuing or revealing it
 * needs {@code ingest} as well as {@code sources_write}), and another person's personal token (nobody mints one for
 * someone else, administrators included; they revoke). Refusals are 403 problem details, change nothing and are
 * audited; what is allowed is audited with its actor.
 */
@VigilServerTest
class TokenIssuingAccessTest {
    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    UserService users;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void sourcesWriteWithoutIngestNeitherRotatesNorRevealsAnIngestToken() {
        User analyst = users.create(
                new UserRequest("src-analyst-" + suffix, null, null, Set.of("analyst"), true, "analyst-pw-" + suffix));
        IssuedApiToken analystToken =
                tokens.issueApiToken("analyst-" + suffix, analyst.id(), Set.of(Role.ANALYST), null);
        TestApi asAnalyst = new TestApi(port, analystToken.token());
        String source = "tok-src-" + suffix;

        // Creating the source is allowed, but no ingest token is issued or shown to the analyst.
        TestApi.Response created = asAnalyst.postJson(
                "/api/v1/sources", "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode token = created.json().path("token");
        assertThat(token.isNull() || token.isMissingNode()).as(created.body()).isTrue();
        assertThat(ingestTokens(source)).isEmpty();

        // Rotating is refused with a clear problem detail, nothing changes, and the attempt is audited.
        TestApi.Response refused = asAnalyst.postJson("/api/v1/sources/" + source + "/token", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString()).contains("sources_write and ingest");
        assertThat(ingestTokens(source)).isEmpty();
        assertThat(audit("token_rotation_denied", "source", source))
                .singleElement()
                .satisfies(e -> assertThat(e.get("actorName").asString()).contains("analyst-" + suffix));
        assertThat(audit("token_rotated", "source", source)).isEmpty();
        assertThat(auditBy(analystToken.info().id().toString(), "request_refused"))
                .isEmpty();

        // A caller holding both (an administrator) rotates it: the token works and the rotation is audited.
        TestApi.Response rotated = TestApi.admin(port).postJson("/api/v1/sources/" + source + "/token", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        String secret = rotated.json().path("token").asString();
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(ingestTokens(source)).hasSize(1);
        assertThat(audit("token_rotated", "source", source)).hasSize(1);

        // A second attempt by the analyst leaves the administrator's token in force.
        assertThat(asAnalyst
                        .postJson("/api/v1/sources/" + source + "/token", "")
                        .status())
                .isEqualTo(403);
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(audit("token_rotation_denied", "source", source)).hasSize(2);
    }

    @Test
    void nobodyMintsAPersonalTokenForSomeoneElseButAnAdministratorRevokesAnyones() {
        User person = users.create(
                new UserRequest("tok-person-" + suffix, null, null, Set.of("viewer"), true, "person-pw-" + suffix));
        User admin = users.create(
                new UserRequest("tok-admin-" + suffix, null, null, Set.of("admin"), true, "admin-pw-" + suffix));
        TestSession adminSession = TestSession.signedIn(port, admin.username(), "admin-pw-" + suffix);
        String forPerson = "{\"name\":\"as-person-%s\",\"scope\":\"api\",\"roles\":[\"viewer\"],\"userId\":\"%s\"}"
                .formatted(suffix, person.id());

        // An administrator (session or the admin role token) cannot issue a token in another person's name.
        for (TestApi.Response r : List.of(
                postJson(adminSession, "/api/v1/tokens", forPerson),
                TestApi.admin(port).postJson("/api/v1/tokens", forPerson))) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().path("detail").asString()).contains("impersonation");
        }
        assertThat(tokens.listForUser(person.id())).isEmpty();
        assertThat(audit("token_issue_denied", "user", person.id().toString())).hasSize(2);
        // once each: the specific entry, no second request_refused for the same refusal
        assertThat(auditBy(admin.username(), "request_refused")).isEmpty();
        assertThat(auditBy(admin.username(), "token_issue_denied")).hasSize(1);

        // Its owner may use the same API for themself (the usual limits: roles they hold), and /me/tokens.
        TestApi.Response own = postJson(
                adminSession,
                "/api/v1/tokens",
                "{\"name\":\"own-%s\",\"scope\":\"api\",\"roles\":[\"admin\"],\"userId\":\"%s\"}"
                        .formatted(suffix, admin.id()));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        assertThat(audit("issued", "token", own.json().path("info").path("id").asString()))
                .hasSize(1);
        TestSession personSession = TestSession.signedIn(port, person.username(), "person-pw-" + suffix);
        TestApi.Response personal = postJson(personSession, "/api/v1/me/tokens", "{\"name\":\"mine-" + suffix + "\"}");
        assertThat(personal.status()).as(personal.body()).isEqualTo(201);
        String personalId = personal.json().path("info").path("id").asString();

        // An integration token (no person) stays with tokens_write.
        assertThat(TestApi.admin(port)
                        .postJson(
                                "/api/v1/tokens",
                                "{\"name\":\"integration-" + suffix + "\",\"scope\":\"api\",\"roles\":[\"viewer\"]}")
                        .status())
                .isEqualTo(201);

        // The administrator revokes the person's token; audited with the administrator as actor.
        TestApi.Response revoked =
                adminSession.request("DELETE", "/api/v1/tokens/" + personalId, "application/json", true);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        assertThat(tokens.authenticate(personal.json().path("token").asString()))
                .isEmpty();
        assertThat(audit("revoked", "token", personalId))
                .singleElement()
                .satisfies(e -> assertThat(e.get("actorName").asString()).isEqualTo(admin.username()));
    }

    private List<ApiTokenInfo> ingestTokens(String source) {
        return tokens.list().stream()
                .filter(t -> t.scope() == ApiScope.INGEST && source.equals(t.subject()) && t.revokedAt() == null)
                .toList();
    }

    private TestApi.Response postJson(TestSession session, String path, String json) {
        return session.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-XSRF-TOKEN", session.csrf())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    private List<JsonNode> auditBy(String actor, String action) {
        TestApi.Response r = TestApi.admin(port).get("/api/v1/audit?actor=" + actor + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    private List<JsonNode> audit(String action, String type, String id) {
        TestApi.Response r = TestApi.admin(port)
                .get("/api/v1/audit?objectType=" + type + "&objectId=" + id + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }
}
