package dev.vigil.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertQuery;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.detection.ImportResult;
import dev.vigil.server.detection.RuleFile;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.testing.SharedData;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 3: the 140 SigmaHQ regression samples (evtx_dump JSON), sent through the HTTP intake to a log source
 * with their rules imported, are stored; a retro-hunt of the active rule set over them finds exactly the detections
 * live detection raised as alerts (same rules, same events by store id), and each sample's own rule matches it.
 */
@VigilServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetroHuntParityTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ID = Pattern.compile("(?m)^id:\\s*['\"]?([0-9a-fA-F-]{36})");

    @LocalServerPort
    int port;

    @Autowired
    RuleService rules;

    @Autowired
    AlertService alerts;

    @Autowired
    EventStore store;

    final List<String> imported = new ArrayList<>();

    record Sample(String ruleId, Path json) {}

    @SuppressWarnings("unchecked")
    static List<Sample> samples(Path regression) throws IOException {
        List<Sample> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(regression)) {
            for (Path info : walk.filter(p -> p.getFileName().toString().equals("info.yml"))
                    .sorted()
                    .toList()) {
                Map<String, Object> doc = (Map<String, Object>)
                        new Load(LoadSettings.builder().build()).loadFromString(Files.readString(info));
                String ruleId = String.valueOf(((List<Map<String, Object>>) doc.get("rule_metadata"))
                        .get(0)
                        .get("id"));
                for (Map<String, Object> t : (List<Map<String, Object>>) doc.get("regression_tests_info")) {
                    String p = String.valueOf(t.get("path")).replaceFirst("^regression_data/", "");
                    out.add(new Sample(ruleId, regression.resolve(p.replaceAll("\\.evtx$", ".json"))));
                }
            }
        }
        return out;
    }

    /** The corpus rule files by Sigma id. */
    static Map<String, Path> ruleFiles(Path sigma) throws IOException {
        Map<String, Path> byId = new HashMap<>();
        try (Stream<Path> dirs = Files.list(sigma)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("rules"))
                    .toList()) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path f :
                            walk.filter(p -> p.toString().endsWith(".yml")).toList()) {
                        Matcher m = ID.matcher(Files.readString(f));
                        if (m.find()) {
                            byId.putIfAbsent(m.group(1), f);
                        }
                    }
                }
            }
        }
        return byId;
    }

    @Test
    void aRetroHuntOverTheStoredSamplesFindsWhatLiveDetectionAlertedOn() throws Exception {
        Path sigma = SharedData.resolve("sigma");
        List<Sample> samples = samples(sigma.resolve("regression"));
        assertThat(samples).hasSize(140);
        Map<String, Path> files = ruleFiles(sigma);
        List<RuleFile> toImport = new ArrayList<>();
        Set<String> ruleIds = new TreeSet<>();
        for (Sample s : samples) {
            Path f = files.get(s.ruleId());
            assertThat(f).as("rule file of " + s.ruleId()).isNotNull();
            if (ruleIds.add(s.ruleId())) {
                toImport.add(new RuleFile("parity/" + sigma.relativize(f), Files.readString(f)));
            }
        }
        ImportResult result = rules.importRules(toImport);
        rules.list().stream().filter(r -> r.origin().startsWith("parity/")).forEach(r -> imported.add(r.ref()));
        assertThat(result.activeRules()).isGreaterThan(100);

        TestApi api = TestApi.admin(port);
        String source = "parity-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.postJson("/api/v1/sources", """
                        {"name":"%s","intake":"http","parser":"json"}""".formatted(source)).status())
                .isEqualTo(201);
        StringBuilder body = new StringBuilder();
        int events = 0;
        for (Sample s : samples) {
            for (JsonNode n : readEvents(s.json())) {
                body.append(JSON.writeValueAsString(n)).append('\n');
                events++;
            }
        }
        TestApi.Response r = api.post("/api/v1/ingest/" + source, "application/x-ndjson", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(events);

        // every event stored and evaluated by live detection
        EventQuery ours = EventQuery.of("_source:" + source);
        long maxId = awaitCount(ours, events);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.status().evaluatedThrough() < maxId) {
            assertThat(System.nanoTime()).as("live detection finished").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
        Set<String> live = new TreeSet<>();
        for (int page = 0; ; page++) {
            List<Alert> l = alerts.find(new AlertQuery(null, null, source, null, null, null, null, null, page, 500))
                    .items();
            l.forEach(a -> live.add(a.ruleId() + " @" + a.eventId()));
            if (l.size() < 500) {
                break;
            }
        }

        JsonNode job = api.postJson("/api/v1/hunts", """
                        {"active":true,"query":"_source:%s"}""".formatted(source)).json();
        String id = job.get("id").asString();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Set.of("done", "failed", "cancelled").contains(job.get("status").asString())) {
            assertThat(System.nanoTime()).as("hunt finished").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
            job = api.get("/api/v1/hunts/" + id).json();
        }
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("done");
        assertThat(job.get("eventsScanned").asLong()).isEqualTo(events);
        assertThat(job.get("progress").asDouble()).isEqualTo(1.0);

        Set<String> hunted = new TreeSet<>();
        Set<String> huntedAll = new HashSet<>();
        Set<String> sampleRulesFound = new HashSet<>();
        JsonNode matches =
                api.get("/api/v1/hunts/" + id + "/matches?limit=10000").json();
        assertThat(matches.size()).isEqualTo(job.get("matches").asInt());
        for (JsonNode m : matches) {
            String rule = m.get("ruleRef").asString();
            String key = rule + " @" + m.get("eventId").asLong();
            huntedAll.add(key);
            sampleRulesFound.add(rule);
            AlertLevel level = AlertLevel.fromSigma(m.path("level").asString(null));
            if (level.compareTo(AlertLevel.LOW) >= 0) {
                hunted.add(key); // what live detection alerts on (vigil.detection.min-alert-level: low)
            }
        }
        assertThat(hunted)
                .as("retro-hunt detections (alerting levels) = live alerts")
                .isEqualTo(live);
        assertThat(huntedAll).hasSizeGreaterThanOrEqualTo(live.size());
        Set<String> missing = new TreeSet<>(ruleIds);
        missing.removeAll(sampleRulesFound);
        assertThat(missing)
                .as("sample rules the hunt did not find (refused or excluded live)")
                .hasSizeLessThan(10);
        System.out.printf(
                "retro-hunt parity: %d events, %d live alerts, %d hunt matches (%d at alerting levels), %d/%d sample rules found%n",
                events, live.size(), huntedAll.size(), hunted.size(), ruleIds.size() - missing.size(), ruleIds.size());

        // a single stored rule, and an uploaded rule, over the same events
        String oneRule = samples.get(0).ruleId();
        JsonNode single =
                api.postJson("/api/v1/hunts", """
                        {"rule":"%s","query":"_source:%s"}""".formatted(oneRule, source)).json();
        JsonNode done = awaitHunt(api, single.get("id").asString());
        assertThat(done.get("perRule").get(0).get("ref").asString()).isEqualTo(oneRule);
        assertThat(done.get("perRule").get(0).get("matches").asLong()).isGreaterThanOrEqualTo(1);
        TestApi.Response upload = api.post(
                "/api/v1/hunts?q=" + URLEncoder.encode("_source:" + source, StandardCharsets.UTF_8),
                "application/yaml",
                Files.readString(files.get(oneRule)));
        assertThat(upload.status()).as(upload.body()).isEqualTo(202);
        JsonNode up = awaitHunt(api, upload.json().get("id").asString());
        assertThat(up.get("matches").asLong()).isEqualTo(done.get("matches").asLong());
        assertThat(api.post("/api/v1/hunts", "application/yaml", "title: broken\ndetection: {}\n")
                        .status())
                .isEqualTo(400);
    }

    JsonNode awaitHunt(TestApi api, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode job = api.get("/api/v1/hunts/" + id).json();
        while (!job.get("status").asString().equals("done")) {
            assertThat(job.get("status").asString()).isIn("queued", "running");
            assertThat(System.nanoTime()).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
            job = api.get("/api/v1/hunts/" + id).json();
        }
        return job;
    }

    long awaitCount(EventQuery q, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.count(q) < n) {
            assertThat(System.nanoTime()).as("events stored").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(store.count(q)).isEqualTo(n);
        return store.search(q.withSize(1)).events().get(0).id();
    }

    static List<JsonNode> readEvents(Path json) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).readValues(Files.readString(json))) {
            while (it.hasNext()) {
                JsonNode n = (JsonNode) it.next();
                if (n.isArray()) {
                    n.forEach(out::add);
                } else {
                    out.add(n);
                }
            }
        }
        return out;
    }

    @AfterAll
    void removeTheImportedRules() {
        for (String ref : imported) {
            rules.delete(ref);
        }
    }
}
