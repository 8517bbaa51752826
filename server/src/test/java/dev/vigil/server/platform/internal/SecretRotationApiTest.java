package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code /api/v1/system/secrets}: an administrator sees the key ids and how the boxes stand and runs the rotation
 * (audited); anyone without system_write is refused and nothing is re-sealed. Key material never appears.
 */
@VigilServerTest
class SecretRotationApiTest {
    @LocalServerPort
    int port;

    @Autowired
    ApiTokenService tokens;

    @Test
    void onlyAnAdministratorRotatesAndTheRotationIsAudited() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TestApi admin = TestApi.admin(port);
        TestApi.Response status = admin.get("/api/v1/system/secrets");
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        String keyId = status.json().path("keyId").asString();
        assertThat(keyId).hasSize(16);
        assertThat(status.json().path("columns").findValuesAsString("table"))
                .contains("platform_secrets", "webhook_subscriptions", "notify_channels", "oncall_secrets");

        TestApi analyst = new TestApi(
                port,
                tokens.issueApiToken("rot-" + suffix, null, Set.of(Role.ANALYST), null)
                        .token());
        TestApi.Response refused = analyst.postJson("/api/v1/system/secrets/rotate", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(admin.get("/api/v1/audit?action=secrets_rotated&size=50")
                        .json()
                        .path("items"))
                .isEmpty();

        TestApi.Response rotated = admin.postJson("/api/v1/system/secrets/rotate", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.json().path("complete").asBoolean()).isTrue();
        assertThat(rotated.json().path("keyId").asString()).isEqualTo(keyId);
        assertThat(rotated.json().path("columns").findValuesAsString("table")).contains("platform_secrets");
        assertThat(admin.get("/api/v1/audit?action=secrets_rotated&objectId=" + keyId + "&size=50")
                        .json()
                        .path("items"))
                .hasSize(1);
    }
}
