package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSecrets;
import dev.vigil.server.testing.VigilServerTest;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The secrets page ({@code /admin/secrets}) in the browser: an administrator sees the current key id and a value
 * sealed before key ids as legacy, ticks the confirmation and rotates, and then sees every value under the current
 * key id (audited as {@code secrets_rotated} under their name). An auditor (system_read, not system_write) sees the
 * status without the Rotate button, and the POST from their session is refused (403, audited as a refused change);
 * an analyst does not see the page in the navigation.
 */
@VigilServerTest
class SecretsBrowserTest extends BrowserTestSupport {
    @Autowired
    JdbcClient jdbc;

    @Autowired
    Environment env;

    @Autowired
    DataDirectory data;

    @Autowired
    SecretBox box;

    /** POSTs {@code body} (form-encoded) to {@code path} from the page, with the session's CSRF token; the status. */
    private int post(String path, String body) {
        Object status = page.evaluate(
                "([path, body]) => fetch(path, {method: 'POST', headers: {'X-XSRF-TOKEN': decodeURIComponent("
                        + "document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).substring(11)),"
                        + " 'Content-Type': 'application/x-www-form-urlencoded'}, body}).then(r => r.status)",
                java.util.List.of(path, body));
        return ((Number) status).intValue();
    }

    @Test
    void anAdministratorRotatesAndSeesEveryValueUnderTheCurrentKey() {
        String name = TestSecrets.insertLegacy(jdbc, env, data);
        String admin = user("secrets-admin-", "Secrets admin", Set.of("admin"));
        signIn(admin, PASSWORD);
        page.navigate(base() + "/admin/secrets");
        assertThat(page.locator("h1").textContent()).isEqualTo("Secrets at rest");
        assertThat(page.locator("#current-key").textContent()).isEqualTo(box.keyId());
        assertThat(page.locator("#per-key").textContent()).contains("legacy", "sealed before key ids");
        assertThat(page.locator("nav[aria-label=Main]").textContent()).contains("Secrets at rest");
        shot("1-before");

        assertThat(post("/admin/secrets/rotate", ""))
                .as("the server refuses an unconfirmed rotation")
                .isEqualTo(400);
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name))).isEmpty();

        page.locator("#rotate input[name=confirm]").check();
        submit(button("Rotate"));
        assertThat(page.url()).endsWith("/admin/secrets");
        assertThat(page.locator("p.notice").textContent())
                .containsPattern("Re-sealed [1-9]\\d* value\\(s\\) with key " + box.keyId())
                .contains("Every value is under the current key");
        assertThat(page.locator("#per-key tbody tr").count()).isEqualTo(1);
        assertThat(page.locator("#per-key tbody tr").textContent()).contains(box.keyId(), "current");
        assertThat(page.locator("#per-column").textContent())
                .contains("platform_secrets")
                .doesNotContain("legacy");
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name))).contains(box.keyId());
        shot("2-rotated");

        JsonNode audited = TestApi.admin(port)
                .get("/api/v1/audit?action=secrets_rotated&objectId=" + box.keyId() + "&size=100")
                .json()
                .path("items");
        assertThat(audited.findValuesAsString("actorName")).contains(admin);
        assertThat(problems.stream().filter(p -> !p.contains("Failed to load resource")))
                .as("console errors")
                .isEmpty();
    }

    @Test
    void anAuditorSeesTheStatusWithoutTheButtonAndIsRefusedThePost() {
        String name = TestSecrets.insertLegacy(jdbc, env, data);
        String auditor = user("secrets-auditor-", "Secrets auditor", Set.of("auditor"));
        signIn(auditor, PASSWORD);
        page.navigate(base() + "/admin/secrets");
        assertThat(page.locator("#current-key").textContent()).isEqualTo(box.keyId());
        assertThat(button("Rotate").count()).isZero();
        assertThat(page.locator("#rotate").count()).isZero();
        shot("1-auditor");

        assertThat(post("/admin/secrets/rotate", "confirm=yes")).isEqualTo(403);
        assertThat(SecretBox.keyIdOf(TestSecrets.value(jdbc, name)))
                .as("nothing re-sealed")
                .isEmpty();
        JsonNode refused = TestApi.admin(port)
                .get("/api/v1/audit?action=request_refused&objectId=POST%20/admin/secrets/rotate&size=100")
                .json()
                .path("items");
        assertThat(refused.findValuesAsString("actorName")).contains(auditor);

        browserContext.clearCookies();
        String analyst = user("secrets-analyst-", "Secrets analyst", Set.of("analyst"));
        signIn(analyst, PASSWORD);
        assertThat(page.locator("nav[aria-label=Main]").textContent()).doesNotContain("Secrets at rest");
        page.navigate(base() + "/admin/secrets");
        assertThat(page.locator("h1").textContent()).isEqualTo("Forbidden");
        assertThat(problems.stream().filter(p -> !p.contains("Failed to load resource")))
                .as("console errors")
                .isEmpty();
    }
}
