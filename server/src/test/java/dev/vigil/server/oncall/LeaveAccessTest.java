package dev.vigil.server.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.User;
import dev.vigil.server.security.UserRequest;
import dev.vigil.server.security.UserService;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Leave takes a person out of their rotations, so it is theirs to manage: a person adds and removes their own leave
 * (API and page); another responder (who holds {@code oncall_write}) gets 403 with a clear problem detail and nothing
 * changes; an administrator ({@code users_write}) may manage anyone's. Every change is audited with its actor.
 */
@VigilServerTest
class LeaveAccessTest {
    private static final String LEAVE =
            "{\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2026-12-03T00:00:00Z\"," + "\"reason\":\"%s\"}";

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    ApiTokenService tokens;

    @Autowired
    JdbcClient jdbc;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private User responder(String name) {
        return users.create(new UserRequest(
                name + "-" + suffix, null, null, Set.of("responder"), true, "password-" + name + "-" + suffix));
    }

    private TestApi tokenOf(User u) {
        return new TestApi(
                port,
                tokens.issueApiToken(u.username(), u.id(), Set.of(Role.RESPONDER), null)
                        .token());
    }

    private long leaveRows(UUID user) {
        return jdbc.sql("select count(*) from oncall_leave where user_id = ?")
                .param(user)
                .query(Long.class)
                .single();
    }

    @Test
    void aPersonManagesTheirOwnLeaveAndOnlyAnAdministratorAnothers() {
        TestApi admin = TestApi.admin(port);
        User rita = responder("rita");
        User sam = responder("sam");
        TestApi asRita = tokenOf(rita);
        TestApi asSam = tokenOf(sam);
        String person = "{\"userId\":\"%s\",\"name\":\"%s\",\"timeZone\":\"UTC\"}";
        assertThat(asRita.postJson("/api/v1/oncall/people", person.formatted(rita.id(), "Rita"))
                        .status())
                .isEqualTo(201);
        assertThat(asSam.postJson("/api/v1/oncall/people", person.formatted(sam.id(), "Sam"))
                        .status())
                .isEqualTo(201);
        String ritasLeave = "/api/v1/oncall/people/" + rita.id() + "/leave";

        // Rita puts herself on leave.
        TestApi.Response own = asRita.postJson(ritasLeave, LEAVE.formatted("holiday"));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        String leaveId = own.json().get("id").asString();
        assertThat(leaveRows(rita.id())).isEqualTo(1);

        // Sam, a responder with oncall_write too, cannot put her on leave nor take her leave away.
        TestApi.Response add = asSam.postJson(ritasLeave, LEAVE.formatted("sam says so"));
        assertThat(add.status()).as(add.body()).isEqualTo(403);
        assertThat(add.header("Content-Type")).startsWith("application/problem+json");
        assertThat(add.json().get("status").asInt()).isEqualTo(403);
        assertThat(add.json().get("detail").asString())
                .isEqualTo("only its user, or a caller with users_write, may change another person's leave");
        // refused before the body is looked at: an invalid one is 403 too, not 400
        assertThat(asSam.postJson(ritasLeave, "{}").status()).isEqualTo(403);
        assertThat(asSam.delete(ritasLeave + "/" + leaveId).status()).isEqualTo(403);
        assertThat(leaveRows(rita.id())).isEqualTo(1);
        assertThat(admin.get(ritasLeave)
                        .json()
                        .get("items")
                        .get(0)
                        .get("reason")
                        .asString())
                .isEqualTo("holiday");
        // An integration's role token (no user) is nobody's self: refused as well.
        TestApi integration = new TestApi(
                port,
                tokens.issueApiToken("integration-" + suffix, null, Set.of(Role.RESPONDER), null)
                        .token());
        assertThat(integration.postJson(ritasLeave, LEAVE.formatted("robot")).status())
                .isEqualTo(403);
        // Reading stays oncall_read: Sam sees her leave (the calendar shows it anyway).
        assertThat(asSam.get(ritasLeave).status()).isEqualTo(200);

        // The same rule in the web form: Sam's session gets 403 and no form; Rita's own page has it.
        TestSession samsSession = TestSession.signedIn(port, sam.username(), "password-sam-" + suffix);
        assertThat(samsSession.get("/oncall/people/" + rita.id()).body())
                .contains("Only this person, or an administrator, may add or remove their leave")
                .doesNotContain("Add leave")
                .doesNotContain("/leave/" + leaveId + "/delete");
        assertThat(samsSession
                        .postForm(
                                "/oncall/people/" + rita.id() + "/leave",
                                "start=2026-12-10T00%3A00&end=2026-12-11T00%3A00&reason=x")
                        .status())
                .isEqualTo(403);
        assertThat(samsSession
                        .postForm("/oncall/people/" + rita.id() + "/leave/" + leaveId + "/delete", "")
                        .status())
                .isEqualTo(403);
        assertThat(leaveRows(rita.id())).isEqualTo(1);
        TestSession ritasSession = TestSession.signedIn(port, rita.username(), "password-rita-" + suffix);
        assertThat(ritasSession.get("/oncall/people/" + rita.id()).body())
                .contains("Add leave")
                .contains("/leave/" + leaveId + "/delete");
        assertThat(ritasSession
                        .postForm(
                                "/oncall/people/" + rita.id() + "/leave",
                                "start=2026-12-10T00%3A00&end=2026-12-11T00%3A00&reason=dentist")
                        .status())
                .isIn(302, 303);
        assertThat(leaveRows(rita.id())).isEqualTo(2);
        // Sam manages his own.
        assertThat(asSam.postJson("/api/v1/oncall/people/" + sam.id() + "/leave", LEAVE.formatted("own"))
                        .status())
                .isEqualTo(201);

        // An administrator (users_write) manages anyone's: adds and removes Rita's.
        TestApi.Response byAdmin = admin.postJson(ritasLeave, LEAVE.formatted("approved by admin"));
        assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(201);
        String adminLeave = byAdmin.json().get("id").asString();
        assertThat(admin.delete(ritasLeave + "/" + leaveId).status()).isEqualTo(204);
        assertThat(admin.delete(ritasLeave + "/" + leaveId).status()).isEqualTo(404);
        assertThat(asRita.delete(ritasLeave + "/" + adminLeave).status()).isEqualTo(204);
        assertThat(leaveRows(rita.id())).isEqualTo(1);

        // Every change audited, with its actor and the state before a removal.
        List<JsonNode> created = audit(admin, leaveId, "created");
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().get("actorName").asString()).contains(rita.username());
        List<JsonNode> deleted = audit(admin, leaveId, "deleted");
        assertThat(deleted).hasSize(1);
        assertThat(deleted.getFirst().get("actorName").asString()).contains("bootstrap");
        assertThat(deleted.getFirst().toString()).contains("holiday");
        assertThat(audit(admin, adminLeave, "created")
                        .getFirst()
                        .get("actorName")
                        .asString())
                .contains("bootstrap");
        assertThat(audit(admin, adminLeave, "deleted")
                        .getFirst()
                        .get("actorName")
                        .asString())
                .contains(rita.username());
    }

    private static List<JsonNode> audit(TestApi admin, String id, String action) {
        TestApi.Response r =
                admin.get("/api/v1/audit?objectType=oncall_leave&objectId=" + id + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }
}
