package dev.vigil.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A personal token manages only tokens it could have issued itself (every permission of theirs it holds, and no
 * longer-lived than itself); a signed-in session manages all of its user's tokens. Through the HTTP API and the
 * account page, with the audit entries of what changed.
 */
@VigilServerTest
class PersonalTokenAccessTest {
    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    UserService users;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private User owner() {
        return users.create(new UserRequest(
                "tok-owner-" + suffix, null, null, Set.of("admin", "analyst", "viewer"), true, password()));
    }

    private String password() {
        return "owner-password-" + suffix;
    }

    @Test
    void aLimitedTokenCannotRevokeOrSeeItsUsersStrongerTokens() {
        User owner = owner();
        IssuedApiToken admin = tokens.issueApiToken("strong-" + suffix, owner.id(), Set.of(Role.ADMIN), null);
        IssuedApiToken analyst = tokens.issueApiToken("analyst-" + suffix, owner.id(), Set.of(Role.ANALYST), null);
        IssuedApiToken viewer = tokens.issueApiToken("weak-" + suffix, owner.id(), Set.of(Role.VIEWER), null);
        IssuedApiToken otherViewer = tokens.issueApiToken("weak2-" + suffix, owner.id(), Set.of(Role.VIEWER), null);
        TestApi asViewer = new TestApi(port, viewer.token());

        // The list shows the viewer token only what it could manage: viewer tokens, not the analyst or admin token.
        TestApi.Response list = asViewer.get("/api/v1/me/tokens");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().findValuesAsString("name"))
                .contains("weak-" + suffix, "weak2-" + suffix)
                .doesNotContain("strong-" + suffix, "analyst-" + suffix);

        // Revoking the stronger tokens is refused and changes nothing.
        for (IssuedApiToken stronger : List.of(admin, analyst)) {
            TestApi.Response r =
                    asViewer.delete("/api/v1/me/tokens/" + stronger.info().id());
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(tokens.authenticate(stronger.token())).isPresent();
            assertThat(audit("revoked", stronger.info().id())).isEmpty();
        }
        // The account page's form, called with the token, is limited the same way.
        TestApi.Response page = asViewer.post(
                "/account/tokens/" + admin.info().id() + "/revoke", "application/x-www-form-urlencoded", "");
        assertThat(page.status()).as(page.body()).isEqualTo(403);
        assertThat(tokens.authenticate(admin.token())).isPresent();

        // A token of the same strength (or itself) may be revoked; audited with the token as actor.
        assertThat(asViewer.delete("/api/v1/me/tokens/" + otherViewer.info().id())
                        .status())
                .isEqualTo(204);
        assertThat(tokens.authenticate(otherViewer.token())).isEmpty();
        assertThat(audit("revoked", otherViewer.info().id())).singleElement().satisfies(e -> {
            assertThat(e.get("actorType").asString()).isEqualTo("token");
            assertThat(e.get("actorId").asString()).isEqualTo(viewer.info().id().toString());
        });

        // The admin token may revoke the analyst token (it holds all of its permissions).
        assertThat(new TestApi(port, admin.token())
                        .delete("/api/v1/me/tokens/" + analyst.info().id())
                        .status())
                .isEqualTo(204);
        assertThat(audit("revoked", analyst.info().id())).hasSize(1);
    }

    @Test
    void aSessionManagesAllOfItsUsersTokens() {
        User owner = owner();
        IssuedApiToken admin = tokens.issueApiToken("strong-" + suffix, owner.id(), Set.of(Role.ADMIN), null);
        TestSession session = TestSession.signedIn(port, owner.username(), password());
        TestApi.Response list = session.getJson("/api/v1/me/tokens");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().findValuesAsString("name")).contains("strong-" + suffix);
        assertThat(session.get("/account").body()).contains("strong-" + suffix);

        // Even once the user has lost the role the token carries, the full user can still revoke it.
        users.update(owner.id(), new UserRequest(null, null, null, Set.of("viewer"), null, null));
        TestApi.Response r =
                session.request("DELETE", "/api/v1/me/tokens/" + admin.info().id(), "application/json", true);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(audit("revoked", admin.info().id())).singleElement().satisfies(e -> {
            assertThat(e.get("actorType").asString()).isEqualTo("user");
            assertThat(e.get("actorName").asString()).isEqualTo(owner.username());
        });
        // Another user's token stays out of reach (404: not one of yours).
        User other = users.create(
                new UserRequest("tok-other-" + suffix, null, null, Set.of("viewer"), true, "other-password-" + suffix));
        IssuedApiToken foreign = tokens.issueApiToken("foreign-" + suffix, other.id(), Set.of(Role.VIEWER), null);
        assertThat(session.request(
                                "DELETE", "/api/v1/me/tokens/" + foreign.info().id(), "application/json", true)
                        .status())
                .isEqualTo(404);
        assertThat(tokens.authenticate(foreign.token())).isPresent();
    }

    @Test
    void aTokenIssuesNeitherStrongerNorLongerLivedTokens() {
        User owner = owner();
        Instant expiry = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        IssuedApiToken analyst = tokens.issueApiToken("short-" + suffix, owner.id(), Set.of(Role.ANALYST), expiry);
        TestApi asAnalyst = new TestApi(port, analyst.token());

        TestApi.Response stronger =
                asAnalyst.postJson("/api/v1/me/tokens", "{\"name\":\"up-" + suffix + "\",\"roles\":[\"admin\"]}");
        assertThat(stronger.status()).as(stronger.body()).isEqualTo(403);
        TestApi.Response longer = asAnalyst.postJson(
                "/api/v1/me/tokens",
                "{\"name\":\"long-" + suffix + "\",\"expiresAt\":\"" + expiry.plus(1, ChronoUnit.DAYS) + "\"}");
        assertThat(longer.status()).as(longer.body()).isEqualTo(403);
        assertThat(longer.body()).contains("outlives itself");

        // Without an expiry it gets the issuing token's; weaker roles are fine; each issue is audited.
        TestApi.Response same =
                asAnalyst.postJson("/api/v1/me/tokens", "{\"name\":\"same-" + suffix + "\",\"roles\":[\"viewer\"]}");
        assertThat(same.status()).as(same.body()).isEqualTo(201);
        assertThat(Instant.parse(same.json().path("info").path("expiresAt").asString()))
                .isEqualTo(expiry);
        UUID issued = UUID.fromString(same.json().path("info").path("id").asString());
        assertThat(audit("issued", issued))
                .singleElement()
                .satisfies(e -> assertThat(e.get("actorId").asString())
                        .isEqualTo(analyst.info().id().toString()));
        assertThat(tokens.listForUser(owner.id()))
                .noneMatch(t -> t.name().equals("up-" + suffix) || t.name().equals("long-" + suffix));

        // A session (the full user) is not limited by any token's expiry.
        TestSession session = TestSession.signedIn(port, owner.username(), password());
        TestApi.Response bySession =
                postJson(session, "/api/v1/me/tokens", "{\"name\":\"full-" + suffix + "\",\"roles\":[\"admin\"]}");
        assertThat(bySession.status()).as(bySession.body()).isEqualTo(201);
        JsonNode noExpiry = bySession.json().path("info").path("expiresAt");
        assertThat(noExpiry.isNull() || noExpiry.isMissingNode())
                .as(bySession.body())
                .isTrue();
    }

    @Test
    void theTokenAdministrationApiAppliesTheSameLimits() {
        // An administrator's expiring token cannot mint a longer-lived token through the administration API either;
        // once its user has lost the admin role, the token reaches nothing there.
        User owner = owner();
        Instant expiry = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        IssuedApiToken admin = tokens.issueApiToken("adm-" + suffix, owner.id(), Set.of(Role.ADMIN), expiry);
        TestApi asAdmin = new TestApi(port, admin.token());
        TestApi.Response longer =
                asAdmin.postJson("/api/v1/tokens", "{\"name\":\"forever-" + suffix + "\",\"scope\":\"ingest\"}");
        assertThat(longer.status()).as(longer.body()).isEqualTo(201);
        assertThat(Instant.parse(longer.json().path("info").path("expiresAt").asString()))
                .isEqualTo(expiry);
        users.update(owner.id(), new UserRequest(null, null, null, Set.of("viewer"), null, null));
        assertThat(asAdmin.postJson("/api/v1/tokens", "{\"name\":\"x-" + suffix + "\",\"scope\":\"metrics\"}")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void onlyASessionChangesThePasswordAndWrongGuessesLockTheAccount() {
        User owner =
                users.create(new UserRequest("pw-owner-" + suffix, null, null, Set.of("viewer"), true, password()));
        IssuedApiToken token = tokens.issueApiToken("pw-" + suffix, owner.id(), Set.of(Role.VIEWER), null);
        TestApi asToken = new TestApi(port, token.token());
        String change =
                "{\"currentPassword\":\"" + password() + "\",\"newPassword\":\"another-password-" + suffix + "\"}";
        TestApi.Response byToken = asToken.postJson("/api/v1/me/password", change);
        assertThat(byToken.status()).as(byToken.body()).isEqualTo(403);
        TestApi.Response byTokenForm = asToken.post(
                "/account/password",
                "application/x-www-form-urlencoded",
                "currentPassword=x&newPassword=another-password-" + suffix);
        assertThat(byTokenForm.status()).isEqualTo(403);
        assertThat(audit("password_changed", "user", owner.id())).isEmpty();
        assertThat(audit("password_change_failed", "user", owner.id())).isEmpty();

        // In a session: wrong current passwords count towards the sign-in lockout, and are audited.
        TestSession session = TestSession.signedIn(port, owner.username(), password());
        String wrong = "{\"currentPassword\":\"wrong\",\"newPassword\":\"another-password-" + suffix + "\"}";
        for (int i = 0; i < 5; i++) {
            assertThat(postJson(session, "/api/v1/me/password", wrong).status()).isEqualTo(400);
        }
        assertThat(audit("password_change_failed", "user", owner.id())).hasSize(5);
        assertThat(audit("locked", "user", owner.id())).hasSize(1);
        TestApi.Response locked = postJson(session, "/api/v1/me/password", change);
        assertThat(locked.status()).as(locked.body()).isEqualTo(409);
        assertThat(new TestSession(port).signIn(owner.username(), password()).header("Location"))
                .doesNotEndWith("/");

        users.unlock(owner.id());
        TestApi.Response ok = postJson(session, "/api/v1/me/password", change);
        assertThat(ok.status()).as(ok.body()).isEqualTo(204);
        assertThat(audit("password_changed", "user", owner.id())).hasSize(1);
    }

    private TestApi.Response postJson(TestSession session, String path, String json) {
        return session.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-XSRF-TOKEN", session.csrf())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    private List<JsonNode> audit(String action, UUID token) {
        return audit(action, "token", token);
    }

    private List<JsonNode> audit(String action, String type, UUID id) {
        TestApi.Response r = TestApi.admin(port)
                .get("/api/v1/audit?objectType=" + type + "&objectId=" + id + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }
}
