package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.SharedData;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Acceptance 2: each SigmaHQ regression sample (evtx_dump JSON, normalised by the {@code auto} pipeline), matched
 * against the whole corpus, yields the rule named in its {@code info.yml} — at least {@code match_count} times —
 * with routing on and with routing off.
 */
class SigmaRegressionTest {
    static RuleSet rules;

    @BeforeAll
    static void loadCorpus() throws IOException {
        rules = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults().withPlaceholderFile(SigmaCorpusTest.placeholderFile()))
                        .load(SigmaCorpusTest.folders()),
                CompileOptions.defaults());
    }

    record Sample(Path info, String ruleId, String title, Path json, int matchCount) {}

    @SuppressWarnings("unchecked")
    static List<Sample> samples() throws IOException {
        Path root = SharedData.resolve("sigma/regression");
        List<Sample> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path info : walk.filter(p -> p.getFileName().toString().equals("info.yml"))
                    .sorted()
                    .toList()) {
                Map<String, Object> doc = (Map<String, Object>)
                        new Load(LoadSettings.builder().build()).loadFromString(Files.readString(info));
                Map<String, Object> meta = ((List<Map<String, Object>>) doc.get("rule_metadata")).get(0);
                for (Map<String, Object> t : (List<Map<String, Object>>) doc.get("regression_tests_info")) {
                    String p = String.valueOf(t.get("path")).replaceFirst("^regression_data/", "");
                    Path json = root.resolve(p.replaceAll("\\.evtx$", ".json"));
                    Object mc = t.get("match_count");
                    out.add(new Sample(
                            info,
                            String.valueOf(meta.get("id")),
                            String.valueOf(meta.get("title")),
                            json,
                            mc == null ? -1 : ((Number) mc).intValue()));
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everySampleYieldsItsRule() throws IOException {
        List<Sample> samples = samples();
        assertThat(samples).hasSize(140);
        Engine routed = Engine.create(rules, EngineOptions.defaults());
        Engine unrouted = Engine.create(rules, EngineOptions.defaults().withRouting(false));
        return samples.stream()
                .map(s -> DynamicTest.dynamicTest(s.title() + " [" + s.ruleId() + "]", () -> {
                    List<Event> events = read(s.json());
                    assertThat(events).as("events in " + s.json()).isNotEmpty();
                    for (Engine engine : List.of(routed, unrouted)) {
                        MatchResult r = engine.match(events);
                        assertThat(r.errors()).isEmpty();
                        long hits = r.detections().stream()
                                .filter(d -> d.ruleId().equals(s.ruleId()))
                                .count();
                        // match_count counts the .evtx; a few JSON samples hold more events that equally satisfy the
                        // rule
                        // (the AnyDesk sample has three matching file events), so it is a lower bound here.
                        assertThat(hits)
                                .as(
                                        "at least %s detections of %s in %s (routing %s); detections: %s",
                                        s.matchCount(),
                                        s.ruleId(),
                                        s.json(),
                                        engine.options().routing(),
                                        titles(r.detections()))
                                .isGreaterThanOrEqualTo(Math.max(1, s.matchCount()));
                    }
                }));
    }

    private static List<String> titles(List<Detection> ds) {
        return ds.stream().map(d -> d.ruleId() + " " + d.ruleTitle()).toList();
    }

    static List<Event> read(Path json) throws IOException {
        List<Event> events = new ArrayList<>();
        try (EventReader r = EventReader.open(json)) {
            Event e;
            while ((e = r.next()) != null) events.add(e);
        }
        return events;
    }
}
