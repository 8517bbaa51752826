package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSecrets;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code vigil secrets status|rotate} against the running server: the key ids and the values per key (a value sealed
 * before key ids shows as legacy), a rotation that is refused without system_write, not done without confirmation,
 * done with it (the value then under the current key id, audited under the token's name) and done again with
 * nothing left to re-seal; clear errors and exit 2 without a token or a server.
 */
@VigilServerTest
class SecretsCommandTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Environment env;

    @Autowired
    DataDirectory data;

    @Autowired
    SecretBox box;

    @Autowired
    ApiTokenService tokens;

    private final InputStream originalInput = SecretsRotateCommand.input;

    @AfterEach
    void restoreInput() {
        SecretsRotateCommand.input = originalInput;
    }

    private String url() {
        return "http://127.0.0.1:" + port;
    }

    private CliRun rotate(String answer, String token, String... more) {
        SecretsRotateCommand.input = new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8));
        String[] args = new String[4 + 2 + more.length];
        args[0] = "secrets";
        args[1] = "rotate";
        args[2] = "--url";
        args[3] = url();
        args[4] = "--token";
        args[5] = token;
        System.arraycopy(more, 0, args, 6, more.length);
        return CliRun.run(args);
    }

    @Test
    void showsTheKeysAndRotatesOnlyWithPermissionAndConfirmation() {
        String name = TestSecrets.insertLegacy(jdbc, env, data);
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name))).isEmpty();

        CliRun status = CliRun.run("secrets", "status", "--url", url(), "--token", VigilServerTest.ADMIN_TOKEN);
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("current key:   " + box.keyId())
                .contains("previous keys: (none)")
                .containsPattern("legacy +\\d+  \\(sealed before key ids\\)")
                .contains("platform_secrets.value")
                .contains("are not under the current key: run vigil secrets rotate");

        String analyst = tokens.issueApiToken("cli-secrets-" + UUID.randomUUID(), null, Set.of(Role.ANALYST), null)
                .token();
        CliRun refused = rotate("", analyst, "--yes");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("vigil secrets rotate: the token lacks the system_write permission (403");
        CliRun refusedStatus = CliRun.run("secrets", "status", "--url", url(), "--token", analyst);
        assertThat(refusedStatus.exit()).isEqualTo(2);
        assertThat(refusedStatus.err()).contains("lacks the system_read permission (403");

        CliRun declined = rotate("n\n", VigilServerTest.ADMIN_TOKEN);
        assertThat(declined.exit()).isEqualTo(2);
        assertThat(declined.out()).contains("Re-seal every value with key " + box.keyId() + "?");
        assertThat(declined.err()).contains("not confirmed; nothing was changed");
        CliRun noInput = rotate("", VigilServerTest.ADMIN_TOKEN);
        assertThat(noInput.exit()).isEqualTo(2);
        assertThat(noInput.err()).contains("use --yes");
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name)))
                .as("refused, declined and unanswered rotations change nothing")
                .isEmpty();

        CliRun rotated = rotate("y\n", VigilServerTest.ADMIN_TOKEN);
        assertThat(rotated.exit()).as(rotated.out() + rotated.err()).isZero();
        assertThat(rotated.out())
                .containsPattern("re-sealed [1-9]\\d* value\\(s\\) with key " + box.keyId())
                .containsPattern("platform_secrets\\.value +resealed=[1-9]")
                .contains("complete: every value is under the current key");
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name))).contains(box.keyId());

        CliRun again = rotate("", VigilServerTest.ADMIN_TOKEN, "--yes", "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        JsonNode result = SecretsCommand.JSON.readTree(again.out());
        assertThat(result.path("resealed").asLong()).isZero();
        assertThat(result.path("complete").asBoolean()).isTrue();

        CliRun after = CliRun.run("secrets", "status", "--url", url(), "--token", VigilServerTest.ADMIN_TOKEN);
        assertThat(after.out()).doesNotContain("legacy").contains("every value is under the current key.");

        JsonNode audited = TestApi.admin(port)
                .get("/api/v1/audit?action=secrets_rotated&objectId=" + box.keyId() + "&size=50")
                .json()
                .path("items");
        assertThat(audited.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void saysWhatIsMissingWithoutATokenOrAServer() {
        CliRun noServer = CliRun.run("secrets", "status", "--url", "http://127.0.0.1:1", "--token", "x");
        assertThat(noServer.exit()).isEqualTo(2);
        assertThat(noServer.err()).contains("vigil secrets status: cannot connect to http://127.0.0.1:1");
        CliRun badToken = CliRun.run("secrets", "status", "--url", url(), "--token", "not-a-token");
        assertThat(badToken.exit()).isEqualTo(2);
        assertThat(badToken.err()).contains("the server did not accept the token (401");
    }
}
