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
import tools.jackson.databind.JsonNode;

/**
 * A person's contact details, personal notification channels and notification rules decide where their pages go:
 * another responder (who holds {@code oncall_write}) must not redirect or silence them. Only the person's own user or
 * an administrator ({@code users_write}) changes them; through the API and the person's page, audited.
 */
@VigilServerTest
class PersonalOnCallSettingsAccessTest {
    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    ApiTokenService tokens;

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

    @Test
    void onlyThePersonOrAnAdministratorChangesWherePagesGo() {
        TestApi admin = TestApi.admin(port);
        User rita = responder("rita");
        User sam = responder("sam");
        TestApi asRita = tokenOf(rita);
        TestApi asSam = tokenOf(sam);
        String person = "{\"userId\":\"%s\",\"name\":\"%s\",\"email\":\"%s@example.test\",\"timeZone\":\"UTC\"}";
        assertThat(asRita.postJson("/api/v1/oncall/people", person.formatted(rita.id(), "Rita", "rita"))
                        .status())
                .isEqualTo(201);
        assertThat(asSam.postJson("/api/v1/oncall/people", person.formatted(sam.id(), "Sam", "sam"))
                        .status())
                .isEqualTo(201);
        String channel = "{\"userId\":\"%s\",\"name\":\"mail\",\"type\":\"email\",\"address\":\"%s\"}";
        TestApi.Response ritasMail =
                asRita.postJson("/api/v1/notify/channels", channel.formatted(rita.id(), "rita@example.test"));
        assertThat(ritasMail.status()).as(ritasMail.body()).isEqualTo(201);
        String mail = ritasMail.json().get("id").asString();
        String rules = "{\"defaultRules\":[{\"channelId\":\"" + mail + "\",\"delayMinutes\":0}]}";
        assertThat(asRita.putJson("/api/v1/oncall/people/" + rita.id() + "/rules", rules)
                        .status())
                .isEqualTo(200);

        // Sam, a responder too, cannot touch Rita's contact details, channels or rules.
        assertThat(asSam.putJson("/api/v1/oncall/people/" + rita.id(), person.formatted(rita.id(), "Rita", "attacker"))
                        .status())
                .isEqualTo(403);
        assertThat(asSam.postJson("/api/v1/oncall/people", person.formatted(rita.id(), "Rita", "attacker"))
                        .status())
                .isEqualTo(403);
        assertThat(asSam.postJson("/api/v1/notify/channels", channel.formatted(rita.id(), "attacker@example.test"))
                        .status())
                .isEqualTo(403);
        TestApi.Response redirect = asSam.putJson(
                "/api/v1/notify/channels/" + mail, "{\"address\":\"attacker@example.test\",\"enabled\":false}");
        assertThat(redirect.status()).as(redirect.body()).isEqualTo(403);
        assertThat(redirect.body()).contains("another user's notification channel");
        assertThat(asSam.delete("/api/v1/notify/channels/" + mail).status()).isEqualTo(403);
        assertThat(asSam.putJson("/api/v1/oncall/people/" + rita.id() + "/rules", "{\"defaultRules\":[]}")
                        .status())
                .isEqualTo(403);
        // Nor hand his own channel over to her.
        String samsMail = asSam.postJson("/api/v1/notify/channels", channel.formatted(sam.id(), "sam@example.test"))
                .json()
                .get("id")
                .asString();
        assertThat(asSam.putJson("/api/v1/notify/channels/" + samsMail, "{\"userId\":\"" + rita.id() + "\"}")
                        .status())
                .isEqualTo(403);
        TestSession samsSession = TestSession.signedIn(port, sam.username(), "password-sam-" + suffix);
        assertThat(samsSession.get("/oncall/people/" + rita.id()).body())
                .contains("Only this person, or an administrator")
                .doesNotContain("Save rules");
        assertThat(samsSession
                        .postForm("/oncall/people/" + rita.id() + "/rules", "default0.channel=&default0.delay=")
                        .status())
                .isEqualTo(403);

        JsonNode unchanged = admin.get("/api/v1/notify/channels/" + mail).json();
        assertThat(unchanged.get("address").asString()).isEqualTo("rita@example.test");
        assertThat(unchanged.get("enabled").asBoolean()).isTrue();
        assertThat(admin.get("/api/v1/oncall/people/" + rita.id() + "/rules").body())
                .contains(mail);
        assertThat(admin.get("/api/v1/oncall/people").body())
                .contains("rita@example.test")
                .doesNotContain("attacker@");

        // Rita herself (in her session) and an administrator may; each change is audited with its actor.
        TestSession ritasSession = TestSession.signedIn(port, rita.username(), "password-rita-" + suffix);
        assertThat(ritasSession.get("/oncall/people/" + rita.id()).body()).contains("Save rules");
        assertThat(asRita.putJson("/api/v1/notify/channels/" + mail, "{\"address\":\"rita2@example.test\"}")
                        .status())
                .isEqualTo(200);
        assertThat(admin.putJson("/api/v1/notify/channels/" + mail, "{\"address\":\"rita3@example.test\"}")
                        .status())
                .isEqualTo(200);
        List<JsonNode> updates = audit(admin, "notify_channel", mail, "updated");
        assertThat(updates).hasSize(2);
        assertThat(updates)
                .extracting(e -> e.get("actorName").asString())
                .anySatisfy(n -> assertThat(n).contains(rita.username()))
                .anySatisfy(n -> assertThat(n).contains("bootstrap"));
    }

    private static List<JsonNode> audit(TestApi admin, String type, String id, String action) {
        TestApi.Response r =
                admin.get("/api/v1/audit?objectType=" + type + "&objectId=" + id + "&action=" + action + "&size=50");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }
}
