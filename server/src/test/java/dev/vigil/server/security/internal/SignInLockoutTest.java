package dev.vigil.server.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import tools.jackson.databind.JsonNode;

/**
 * Password sign-in refuses guessing: an account locks after five wrong passwords (then even the right one fails, with
 * the same message), the lock is audited and an administrator can lift it; a client address that keeps failing is
 * refused outright, whatever account it tries.
 */
@VigilServerTest
class SignInLockoutTest {
    static final String PASSWORD = "correct horse battery staple 7";

    @LocalServerPort
    int port;

    @Autowired
    LocalSignIn signIn;

    private static String outcome(TestApi.Response r) {
        assertThat(r.status()).isEqualTo(302);
        URI to = URI.create(r.header("Location"));
        return to.getQuery() == null ? to.getPath() : to.getQuery();
    }

    @Test
    void fiveWrongPasswordsLockTheAccountUntilAnAdministratorUnlocksIt() {
        TestApi admin = TestApi.admin(port);
        String username = "lock-" + UUID.randomUUID().toString().substring(0, 8);
        TestApi.Response created = admin.postJson(
                "/api/v1/users",
                "{\"username\":\"" + username + "\",\"roles\":[\"analyst\"],\"password\":\"" + PASSWORD + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        TestSession browser = new TestSession(port);
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(browser.signIn(username, "wrong-" + i))).isEqualTo("error");
        }
        // Locked: the right password is refused too, with the same answer as a wrong one.
        assertThat(outcome(browser.signIn(username, PASSWORD))).isEqualTo("error");
        assertThat(browser.hasSession()).isFalse();
        assertThat(admin.get("/api/v1/users/" + id).json().path("lockedUntil").isNull())
                .isFalse();

        JsonNode audit = admin.get("/api/v1/audit?objectType=user&objectId=" + id + "&action=locked")
                .json()
                .path("items");
        assertThat(audit.size()).isEqualTo(1);
        assertThat(audit.get(0).path("actorType").asString()).isEqualTo("system");
        JsonNode failures = admin.get("/api/v1/audit?objectType=session&objectId=" + username + "&size=20")
                .json()
                .path("items");
        assertThat(failures.size()).isEqualTo(6);
        assertThat(failures.get(0).path("after").asString()).contains("\"reason\":\"locked\"");
        assertThat(failures.get(1).path("after").asString()).contains("\"reason\":\"wrong password\"");

        assertThat(admin.post("/api/v1/users/" + id + "/unlock", "application/json", "")
                        .status())
                .isEqualTo(200);
        assertThat(outcome(browser.signIn(username, PASSWORD))).isEqualTo("/");
    }

    @Test
    void anAddressThatKeepsFailingIsRefusedWhateverAccountItTries() {
        // A documentation address, so the throttle does not touch the other tests' 127.0.0.1.
        WebAuthenticationDetails from = new WebAuthenticationDetails("198.51.100.23", null);
        for (int i = 0; i < 20; i++) {
            UsernamePasswordAuthenticationToken attempt =
                    UsernamePasswordAuthenticationToken.unauthenticated("spray-" + i, "Winter2026!");
            attempt.setDetails(from);
            assertThatThrownBy(() -> signIn.authenticate(attempt)).isInstanceOf(BadCredentialsException.class);
        }
        UsernamePasswordAuthenticationToken real =
                UsernamePasswordAuthenticationToken.unauthenticated("admin", "whatever it is");
        real.setDetails(from);
        assertThatThrownBy(() -> signIn.authenticate(real)).isInstanceOf(LocalSignIn.Throttled.class);

        UsernamePasswordAuthenticationToken elsewhere =
                UsernamePasswordAuthenticationToken.unauthenticated("spray-x", "Winter2026!");
        elsewhere.setDetails(new WebAuthenticationDetails("198.51.100.24", null));
        assertThatThrownBy(() -> signIn.authenticate(elsewhere)).isInstanceOf(BadCredentialsException.class);
    }
}
