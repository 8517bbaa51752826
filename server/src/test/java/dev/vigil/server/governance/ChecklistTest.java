package dev.vigil.server.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.TestIntake;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@VigilServerTest
class ChecklistTest {
    @LocalServerPort
    int port;

    @Autowired
    DetectionChecklist checklist;

    @Autowired
    dev.vigil.server.platform.audit.AuditLog audit;

    @Autowired
    IncidentService incidents;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void theChecklistIsBuiltFromActiveRulesByTechniqueAndManagedEntries() {
        TestApi admin = TestApi.admin(port);
        // the starter rules cover brute force (T1110) under credential-access
        JsonNode before = admin.get("/api/v1/governance/checklist").json();
        assertThat(before.toString()).contains("\"technique\":\"T1110\"", "credential-access");

        TestApi.Response managed = admin.postJson(
                "/api/v1/governance/checklist/entries",
                "{\"technique\":\"t1110\",\"tactic\":\"credential-access\",\"title\":\"Password guessing " + suffix
                        + "\",\"source\":\"threat-model\",\"owner\":\"admin\"}");
        assertThat(managed.status()).as(managed.body()).isEqualTo(201);
        String gapSource = "mailgw-" + suffix;
        TestApi.Response gap = admin.postJson(
                "/api/v1/governance/checklist/entries",
                "{\"technique\":\"T1566.002\",\"tactic\":\"initial-access\",\"title\":\"Spearphishing link "
                        + suffix + "\",\"source\":\"external-advisory\",\"sourceRef\":\"CERT advisory 2026-17\","
                        + "\"owner\":\"admin\",\"requiredSources\":[\"" + gapSource + "\"]}");
        assertThat(gap.status()).as(gap.body()).isEqualTo(201);
        String gapId = gap.json().get("id").asString();

        Checklist c = checklist.checklist(Instant.now());
        ChecklistEntry bruteForce = c.entries().stream()
                .filter(e -> e.title().equals("Password guessing " + suffix))
                .findFirst()
                .orElseThrow();
        assertThat(bruteForce.managed()).isTrue();
        assertThat(bruteForce.covered()).isTrue();
        assertThat(bruteForce.rules()).extracting(ChecklistEntry.RuleRef::ref).isNotEmpty();
        ChecklistEntry phishing = c.entries().stream()
                .filter(e -> e.id() != null && e.id().toString().equals(gapId))
                .findFirst()
                .orElseThrow();
        assertThat(phishing.covered()).isFalse();
        assertThat(phishing.missingSources()).containsExactly(gapSource);
        Checklist.TacticRow initialAccess = c.heatmap().stream()
                .filter(r -> r.tactic().equals("initial-access"))
                .findFirst()
                .orElseThrow();
        assertThat(initialAccess.techniques()).anySatisfy(cell -> {
            assertThat(cell.technique()).isEqualTo("T1566.002");
            assertThat(cell.gap()).isTrue();
            assertThat(cell.missingLogs()).isTrue();
        });
        // heatmap rows follow the kill chain
        assertThat(c.heatmap().getFirst().tactic()).isEqualTo("reconnaissance");

        // invalid entries
        assertThat(admin.postJson(
                                "/api/v1/governance/checklist/entries",
                                "{\"technique\":\"X1\",\"tactic\":\"initial-access\",\"title\":\"t\",\"source\":\"other\","
                                        + "\"owner\":\"admin\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.postJson(
                                "/api/v1/governance/checklist/entries",
                                "{\"tactic\":\"lunch\",\"title\":\"t\",\"source\":\"other\",\"owner\":\"admin\"}")
                        .body())
                .contains("unknown ATT&CK tactic");
    }

    @Test
    void theNavigatorLayerScoresTechniquesByRulesAndMarksGaps() {
        TestApi admin = TestApi.admin(port);
        admin.postJson(
                "/api/v1/governance/checklist/entries",
                "{\"technique\":\"T1486\",\"tactic\":\"impact\",\"title\":\"Ransomware " + suffix
                        + "\",\"source\":\"past-incident\",\"owner\":\"admin\"}");
        TestApi.Response r = admin.get("/api/v1/governance/checklist/navigator-layer");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Disposition")).contains("vigil-attack-layer.json");
        JsonNode layer = r.json();
        assertThat(layer.get("domain").asString()).isEqualTo("enterprise-attack");
        assertThat(layer.get("versions").get("layer").asString()).isEqualTo("4.5");
        List<String> ids = new ArrayList<>();
        JsonNode ransomware = null;
        JsonNode bruteForce = null;
        for (JsonNode t : layer.get("techniques")) {
            ids.add(t.get("techniqueID").asString());
            if (t.get("techniqueID").asString().equals("T1486")) {
                ransomware = t;
            }
            if (t.get("techniqueID").asString().equals("T1110")) {
                bruteForce = t;
            }
            assertThat(t.get("techniqueID").asString()).matches("T\\d{4}(\\.\\d{3})?");
        }
        assertThat(ids).contains("T1110", "T1486");
        assertThat(ransomware.get("score").asInt()).isZero();
        assertThat(ransomware.get("color").asString()).isEqualTo("#ff6666");
        assertThat(ransomware.get("tactic").asString()).isEqualTo("impact");
        assertThat(bruteForce.get("score").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void missingLogDataOpensOneDefectWithOwnerAndDueDateAndIsResolvedWhenTheSourceDelivers() {
        TestApi admin = TestApi.admin(port);
        String source = "edr-" + suffix;
        TestApi.Response entry = admin.postJson(
                "/api/v1/governance/checklist/entries",
                "{\"technique\":\"T1059\",\"tactic\":\"execution\",\"title\":\"Scripting " + suffix
                        + "\",\"source\":\"threat-model\",\"owner\":\"admin\",\"requiredSources\":[\"" + source
                        + "\"]}");
        String entryId = entry.json().get("id").asString();

        List<LogDefect> opened = checklist.scanLogDefects(Instant.now());
        LogDefect d = opened.stream()
                .filter(x -> x.subject().equals(entryId))
                .findFirst()
                .orElseThrow();
        assertThat(d.reason()).isEqualTo("SOURCE_NOT_CONFIGURED");
        assertThat(d.owner()).isEqualTo("admin");
        assertThat(d.dueDate()).isAfter(java.time.LocalDate.now().minusDays(1));
        assertThat(checklist.scanLogDefects(Instant.now()))
                .noneSatisfy(x -> assertThat(x.subject()).isEqualTo(entryId));
        // audited per defect, so outgoing webhooks deliver "log-defect.opened" to the issue tracker
        List<String> audited = new ArrayList<>();
        audit.forEach(
                new dev.vigil.server.platform.audit.AuditQuery(
                        null, "opened", "log-defect", d.id().toString(), null, null, null),
                e -> audited.add(e.after()));
        assertThat(audited).hasSize(1);
        assertThat(audited.getFirst()).contains(entryId, "SOURCE_NOT_CONFIGURED");

        assertThat(admin.postJson(
                                "/api/v1/sources",
                                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post("/api/v1/ingest/" + source, "application/x-ndjson", "{\"msg\":\"hello\"}\n")
                        .status())
                .isEqualTo(200);
        checklist.scanLogDefects(Instant.now());
        JsonNode all = admin.get("/api/v1/governance/defects").json();
        boolean resolved = false;
        for (JsonNode x : all.path("items")) {
            if (x.get("id").asString().equals(d.id().toString())) {
                resolved = x.get("status").asString().equals("resolved");
            }
        }
        assertThat(resolved).as(all.toString()).isTrue();
    }

    @Test
    void ruleHealthListsEveryRuleAndRecordsReviews() {
        TestApi admin = TestApi.admin(port);
        JsonNode health = admin.get("/api/v1/governance/rule-health").json();
        assertThat(health.size()).isGreaterThan(5);
        String ref = health.get(0).get("ref").asString();
        TestApi.Response review = admin.postJson(
                "/api/v1/governance/rule-health/" + ref + "/review", "{\"verdict\":\"keep\",\"notes\":\"fine\"}");
        assertThat(review.status()).as(review.body()).isEqualTo(200);
        assertThat(review.json().get("reviewDue").asBoolean()).isFalse();
        assertThat(review.json().get("lastVerdict").asString()).isEqualTo("keep");
        assertThat(admin.postJson("/api/v1/governance/rule-health/" + ref + "/review", "{\"verdict\":\"maybe\"}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.postJson("/api/v1/governance/rule-health/nope-" + suffix + "/review", "{\"verdict\":\"keep\"}")
                        .status())
                .isEqualTo(404);
    }

    private static JsonNode healthOf(TestApi admin, String ref) {
        for (JsonNode h : admin.get("/api/v1/governance/rule-health").json()) {
            if (h.get("ref").asString().equals(ref)) {
                return h;
            }
        }
        throw new AssertionError("no rule health for " + ref);
    }

    @Test
    void alertsOfIncidentsClosedAsFalsePositivesCountPerRuleAndListTheRuleAsNoisy() throws Exception {
        TestApi admin = TestApi.admin(port);
        String ref = null;
        List<UUID> raised = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String source = "fp" + i + "-" + suffix;
            String token = TestIntake.webSource(admin, source);
            String event = TestIntake.hostileWebEvent().replace("203.0.113.7", "198.51.100." + (10 + i) + "-" + suffix);
            UUID alert = UUID.fromString(TestIntake.raise(admin, source, token, event));
            String rule =
                    admin.get("/api/v1/alerts/" + alert).json().get("ruleId").asString();
            if (ref == null) {
                ref = rule;
                JsonNode before = healthOf(admin, ref);
                assertThat(before.get("judged").isNumber())
                        .as(before.toString())
                        .isTrue();
            }
            if (rule.equals(ref)) {
                raised.add(alert);
            }
        }
        assertThat(raised).hasSize(3);
        String rule = ref;
        JsonNode before = healthOf(admin, ref);
        long judgedBefore = before.get("judged").asLong();
        long fpBefore = before.get("falsePositives").asLong();
        java.util.Set<UUID> closedIncidents = new java.util.HashSet<>();
        long alertsJudged = 0;
        for (UUID alert : raised) {
            UUID incident = null;
            for (int tries = 0; tries < 300 && incident == null; tries++) {
                incident = incidents.incidentOf(alert).orElse(null);
                if (incident == null) {
                    Thread.sleep(100); // waiting for the asynchronous alert intake, not timing anything
                }
            }
            assertThat(incident).as("incident of alert " + alert).isNotNull();
            if (closedIncidents.add(incident)) {
                incidents.update(
                        incident,
                        new IncidentUpdate(
                                null,
                                null,
                                null,
                                null,
                                null,
                                Outcome.FALSE_POSITIVE,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null));
                incidents.transition(incident, IncidentStatus.RESOLVED, "scanner noise");
                alertsJudged += incidents.alerts(incident).stream()
                        .filter(a -> a.ruleId().equals(rule))
                        .mapToLong(a -> 1 + a.duplicates())
                        .sum();
            }
        }
        JsonNode after = healthOf(admin, ref);
        assertThat(after.get("judged").asLong()).isEqualTo(judgedBefore + alertsJudged);
        assertThat(after.get("falsePositives").asLong()).isEqualTo(fpBefore + alertsJudged);
        assertThat(alertsJudged).isGreaterThanOrEqualTo(3);
        boolean shouldBeNoisy = after.get("falsePositives").asLong() >= 3
                && after.get("falsePositives").asLong()
                        >= 0.5 * after.get("judged").asLong();
        assertThat(shouldBeNoisy).isTrue();
        List<String> noise = new ArrayList<>();
        after.get("noise").forEach(n -> noise.add(n.asString()));
        assertThat(noise).contains("false-positives");
        assertThat(admin.get("/governance/checklist").body()).contains("id=\"noisy-rules\"");
    }
}
