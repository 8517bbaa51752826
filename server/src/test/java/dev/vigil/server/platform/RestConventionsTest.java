package dev.vigil.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One paging envelope for every list, and RFC 9457 problem details for every kind of error. */
@VigilServerTest
class RestConventionsTest {
    @LocalServerPort
    int port;

    @Test
    void everyListAnswersThePageEnvelope() {
        TestApi admin = TestApi.admin(port);
        for (String list : List.of(
                "/api/v1/alerts",
                "/api/v1/rules?sort=level,desc&size=5",
                "/api/v1/sources?sort=name",
                "/api/v1/applications",
                "/api/v1/tokens",
                "/api/v1/users",
                "/api/v1/audit?size=3",
                "/api/v1/webhooks")) {
            TestApi.Response r = admin.get(list);
            assertThat(r.status()).as(list).isEqualTo(200);
            assertThat(r.json().has("items")).as(list).isTrue();
            assertThat(r.json().path("items").isArray()).as(list).isTrue();
            for (String member : List.of("page", "size", "total", "totalPages", "sort")) {
                assertThat(r.json().has(member)).as(list + " " + member).isTrue();
            }
        }
        TestApi.Response rules = admin.get("/api/v1/rules?size=2&page=1&sort=title");
        assertThat(rules.json().path("items").size()).isEqualTo(2);
        assertThat(rules.json().path("page").asInt()).isEqualTo(1);
        assertThat(rules.json().path("total").asLong()).isGreaterThan(4);
        assertThat(rules.json().path("sort").get(0).asString()).isEqualTo("title,asc");
    }

    private static void problem(TestApi.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().has("title")).isTrue();
    }

    @Test
    void errorsAreProblemDetails() {
        TestApi admin = TestApi.admin(port);
        problem(new TestApi(port, null).get("/api/v1/alerts"), 401);
        problem(admin.get("/api/v1/no-such-thing"), 404);
        problem(admin.get("/api/v1/alerts/00000000-0000-0000-0000-000000000000"), 404);
        problem(admin.delete("/api/v1/alerts"), 405);
        problem(admin.post("/api/v1/users", "text/plain", "hello"), 415);
        problem(admin.postJson("/api/v1/tokens", "{\"scope\":\"metrics\"}"), 400); // bean validation: name
        problem(admin.get("/api/v1/rules?sort=secret"), 400);
        problem(admin.get("/api/v1/alerts?size=100000"), 400);
        problem(admin.get("/api/v1/alerts/not-a-uuid"), 400);
        problem(admin.postJson("/api/v1/users", "{\"username\":\"x y\",\"roles\":[\"viewer\"]}"), 400);
        // PostgreSQL refuses NUL characters in text: a request carrying one is a 400 in every module, not a 500
        problem(admin.get("/api/v1/audit?q=a%00b"), 400);
        problem(admin.get("/api/v1/users?q=a%00b"), 400);
        problem(admin.postJson("/api/v1/oncall/teams", "{\"name\":\"a\\u0000b\"}"), 400);
        problem(admin.postJson("/api/v1/teams", "{\"name\":\"nul-team\",\"description\":\"a\\u0000b\"}"), 400);
        assertThat(admin.get("/api/v1/audit?q=a%00b").body()).contains("NUL");
        TestApi viewer = admin.withToken(admin.postJson(
                        "/api/v1/tokens", "{\"name\":\"conventions-viewer\",\"scope\":\"api\",\"roles\":[\"viewer\"]}")
                .json()
                .path("token")
                .asString());
        problem(viewer.get("/api/v1/audit"), 403);
    }
}
