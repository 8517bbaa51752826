package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipelines;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs every fixture under {@code src/test/resources/cases}: one file per case (house style). A fixture is YAML: the
 * first document says what to expect, the following documents are the Sigma rules (and filters) under test.
 *
 * <pre>
 * # what the case shows
 * match: [{Field: value}]        # events that must produce a detection of the (first) rule
 * nomatch: [{Field: value}]      # events that must not
 * fields: {Field: value}         # optional: matched fields reported for the first match event
 * placeholders: {name: [values]} # optional
 * refused: part of the reason    # instead of match/nomatch: the rule must be refused with this reason
 * path: part of the YAML path    # optional, with refused
 * </pre>
 *
 * Events are matched as written (pipeline {@code none}, routing off): these cases test rule semantics.
 */
class SigmaCasesTest {

    @TestFactory
    Stream<DynamicTest> cases() throws IOException, URISyntaxException {
        Path root = Path.of(SigmaCasesTest.class.getResource("/cases").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(50);
        return files.stream()
                .map(f -> DynamicTest.dynamicTest(root.relativize(f).toString(), () -> run(f)));
    }

    @SuppressWarnings("unchecked")
    private static void run(Path file) throws IOException {
        String text = Files.readString(file);
        int sep = text.indexOf("\n---\n");
        assertThat(sep)
                .as("fixture needs an expectation document, '---', then rules")
                .isPositive();
        Map<String, Object> spec =
                (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text.substring(0, sep));
        String rules = text.substring(sep + 5);
        LoaderOptions options = LoaderOptions.defaults();
        if (spec.get("placeholders") instanceof Map<?, ?> ph) {
            options = options.withPlaceholders((Map<String, List<String>>) ph);
        }
        LoadResult loaded =
                RuleLoader.create(options).loadText(file.getFileName().toString(), rules);
        RuleSet set = RuleSet.compile(loaded, CompileOptions.defaults());
        if (spec.containsKey("refused")) {
            assertThat(set.refusals()).as("refusals of " + file).anySatisfy(r -> {
                assertThat(r.reason()).contains(String.valueOf(spec.get("refused")));
                if (spec.containsKey("path")) assertThat(r.yamlPath()).contains(String.valueOf(spec.get("path")));
                assertThat(r.file()).isEqualTo(file.getFileName().toString());
            });
            return;
        }
        assertThat(set.refusals()).as("no refusals expected").isEmpty();
        assertThat(set.size()).isPositive();
        String ruleId = set.rules().get(0).ref();
        Engine engine =
                Engine.create(set, EngineOptions.defaults().withRouting(false).withPipeline(Pipelines.builtin("none")));
        List<Map<String, Object>> match = (List<Map<String, Object>>) spec.getOrDefault("match", List.of());
        List<Map<String, Object>> nomatch = (List<Map<String, Object>>) spec.getOrDefault("nomatch", List.of());
        assertThat(match.size() + nomatch.size()).as("a case needs events").isPositive();
        for (Map<String, Object> ev : match) {
            MatchResult r = engine.match(List.of(Event.of(ev)));
            assertThat(r.errors()).isEmpty();
            assertThat(ids(r)).as("should match: " + ev).contains(ruleId);
        }
        for (Map<String, Object> ev : nomatch) {
            MatchResult r = engine.match(List.of(Event.of(ev)));
            assertThat(r.errors()).isEmpty();
            assertThat(ids(r)).as("should not match: " + ev).doesNotContain(ruleId);
        }
        if (spec.get("fields") instanceof Map<?, ?> fields) {
            MatchResult r = engine.match(List.of(Event.of(match.get(0))));
            assertThat(r.detections().get(0).matchedFields()).isEqualTo(normalise((Map<String, Object>) fields));
        }
    }

    private static List<String> ids(MatchResult r) {
        List<String> out = new ArrayList<>();
        for (Detection d : r.detections()) out.add(d.ruleId());
        return out;
    }

    private static Map<String, Object> normalise(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Integer i ? (Object) i.longValue() : v));
        return out;
    }
}
