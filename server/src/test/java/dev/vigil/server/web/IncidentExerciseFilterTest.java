package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestSession;
import dev.vigil.server.testing.VigilServerTest;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The incident list's exercise filter (API and page): production incidents only by default, exercise incidents only
 * or both on request, a 400 with a reason for anything else; the page says how many exercise incidents it leaves out
 * and links to them, keeps the filter in its paging links and escapes what it shows. Real PostgreSQL; the exercise
 * incident is marked the way a replay marks it (its source, {@link ExerciseTag#incidentSource}).
 */
@VigilServerTest
class IncidentExerciseFilterTest {
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    private String incident(TestApi admin, String title) {
        TestApi.Response r = admin.postJson(
                "/api/v1/incidents",
                "{\"title\":" + JsonMapper.builder().build().writeValueAsString(title)
                        + ",\"severity\":\"high\",\"priority\":2,"
                        + "\"classification\":{\"classKey\":\"intrusions\",\"typeKey\":\"application-compromise\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("reference").asString();
    }

    /** Two production incidents and one opened by a replay exercise, all titled with {@code token}. */
    private String exerciseIncidentAmongProduction(TestApi admin, String token) {
        incident(admin, token + " production one");
        incident(admin, token + " production two");
        String drill = incident(admin, token + " drill " + HOSTILE);
        int updated = JdbcClient.create(dataSource)
                .sql("update incidents set source = ? where number = ?")
                .params(ExerciseTag.incidentSource(UUID.randomUUID()), Long.parseLong(drill.substring("INC-".length())))
                .update();
        assertThat(updated).isEqualTo(1);
        return drill;
    }

    private static long total(TestApi.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("total").asLong();
    }

    @Test
    void theApiListsProductionIncidentsUnlessAskedForExercisesAndRefusesOtherValues() {
        TestApi api = TestApi.admin(port);
        String token = "exfilter" + UUID.randomUUID().toString().replace("-", "");
        String drill = exerciseIncidentAmongProduction(api, token);

        JsonNode production = api.get("/api/v1/incidents?q=" + token).json();
        assertThat(production.get("total").asLong())
                .as("production only by default")
                .isEqualTo(2);
        assertThat(production.get("items"))
                .allSatisfy(i -> assertThat(i.path("source").toString()).doesNotContain(ExerciseTag.PREFIX));
        assertThat(total(api.get("/api/v1/incidents?q=" + token + "&exercise=exclude")))
                .isEqualTo(2);
        JsonNode only =
                api.get("/api/v1/incidents?q=" + token + "&exercise=only").json();
        assertThat(only.get("total").asLong()).isEqualTo(1);
        assertThat(only.get("items").get(0).get("reference").asString()).isEqualTo(drill);
        assertThat(only.get("items").get(0).get("source").asString()).startsWith(ExerciseTag.PREFIX);
        assertThat(total(api.get("/api/v1/incidents?q=" + token + "&exercise=ALL")))
                .isEqualTo(3);

        assertThat(production.get("exercisesHidden").asLong())
                .as("the default list says how many exercise incidents it leaves out")
                .isEqualTo(1);
        assertThat(only.get("exercisesHidden").asLong()).isZero();
        assertThat(api.get("/api/v1/incidents?q=" + token + "&exercise=all")
                        .json()
                        .get("exercisesHidden")
                        .asLong())
                .isZero();
        assertThat(api.get("/api/v1/incidents?q=" + token + "&size=1&page=1")
                        .json()
                        .get("exercisesHidden")
                        .asLong())
                .as("every page of the list says it")
                .isEqualTo(1);

        TestApi.Response bad = api.get("/api/v1/incidents?exercise=maybe");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown exercise filter", "exclude, only or all");
    }

    @Test
    void thePageSaysWhatItHidesOffersTheSelectAndKeepsTheFilterWhilePaging() {
        TestApi api = TestApi.admin(port);
        String token = "exfilter" + UUID.randomUUID().toString().replace("-", "");
        String drill = exerciseIncidentAmongProduction(api, token);
        TestSession ui = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);

        String page = ui.get("/incidents?q=" + token).body();
        assertThat(page).contains("<span>2</span> incidents.").doesNotContain(drill, " EXERCISE</span>");
        assertThat(page).containsPattern("<span>1</span>\\s+exercise incidents not shown");
        assertThat(page)
                .containsPattern("href=\"/incidents\\?[^\"]*q=" + token + "&amp;[^\"]*exercise=all\">show them</a>")
                .contains("<select name=\"exercise\">")
                .contains("<option value=\"exclude\" selected=\"selected\">production only</option>");

        String all = ui.get("/incidents?q=" + token + "&exercise=all").body();
        assertThat(all).contains("<span>3</span> incidents.", drill, " EXERCISE</span>");
        assertThat(all).doesNotContain("exercise incidents not shown");
        assertThat(all).contains("<option value=\"all\" selected=\"selected\">production and exercises</option>");
        assertThat(all)
                .as("log text is escaped")
                .contains("drill &lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain("<img src=x");

        String only = ui.get("/incidents?q=" + token + "&exercise=only").body();
        assertThat(only).contains("<span>1</span> incidents.", drill).doesNotContain("production one");
        assertThat(only).contains("<option value=\"only\" selected=\"selected\">exercise incidents only</option>");

        String second =
                ui.get("/incidents?q=" + token + "&exercise=only&page=1").body();
        assertThat(second)
                .as("paging keeps the filter")
                .containsPattern(
                        "href=\"/incidents\\?[^\"]*q=" + token + "&amp;[^\"]*exercise=only&amp;page=0\">Newer</a>");

        assertThat(ui.get("/incidents?exercise=maybe").status()).isEqualTo(400);
    }

    @Test
    void withoutExerciseIncidentsNothingIsReportedHiddenAndTheAlertListSaysItTheSameWay() {
        TestApi api = TestApi.admin(port);
        String token = "exnone" + UUID.randomUUID().toString().replace("-", "");
        incident(api, token + " production only");
        JsonNode list = api.get("/api/v1/incidents?q=" + token).json();
        assertThat(list.get("total").asLong()).isEqualTo(1);
        assertThat(list.get("exercisesHidden").asLong()).isZero();
        TestSession ui = TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);
        assertThat(ui.get("/incidents?q=" + token).body()).doesNotContain("exercise incidents not shown");

        // the alert list reports what its exercise filter leaves out in the same field
        JsonNode alerts = api.get("/api/v1/alerts?rule=" + token).json();
        assertThat(alerts.get("exercisesHidden").asLong()).isZero();
        assertThat(alerts.get("total").asLong()).isZero();
    }
}
