package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.SharedData;
import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.MatchedFields;
import dev.vigil.engine.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The matched fields of a detection, worked out when first read ({@link MatchedFields}), are exactly those the rule
 * reports when asked at match time ({@link CompiledRule#matchedFields(EvalContext)}): same entries, same order, on
 * every bench lane and the regression samples; and the same when read from several threads at once.
 */
class MatchedFieldsTest {
    /** Events per lane (the detections of 2,000 events cover every rule that fires on the lane). */
    static final int PER_LANE = 2_000;

    @Test
    void lazyMatchedFieldsAreThoseOfTheRuleAtMatchTime() throws IOException {
        RuleSet rules = Corpus.rules();
        Map<String, CompiledRule> byRef = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) byRef.put(rules.rule(i).info().ref(), rules.rule(i));
        List<Event> events = new ArrayList<>();
        try (Stream<Path> s = Files.list(SharedData.resolve("bench/lanes"))) {
            for (Path f :
                    s.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                List<Event> lane = IndexEquivalenceTest.read(f);
                events.addAll(lane.subList(0, Math.min(PER_LANE, lane.size())));
            }
        }
        for (SigmaRegressionTest.Sample sample : SigmaRegressionTest.samples()) {
            events.addAll(SigmaRegressionTest.read(sample.json()));
        }
        Engine engine = Engine.create(rules, EngineOptions.defaults());
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 500) {
            found.addAll(engine.match(events.subList(i, Math.min(events.size(), i + 500)))
                    .detections());
        }
        assertThat(found).hasSizeGreaterThan(5_000);
        // read them from four threads at once first: each map is worked out once, whoever asks first
        List<List<Map.Entry<String, Object>>> concurrent = found.parallelStream()
                .map(d -> List.copyOf(d.matchedFields().entrySet()))
                .toList();
        EvalContext ctx = new EvalContext(rules.fields());
        int nonEmpty = 0;
        for (int k = 0; k < found.size(); k++) {
            Detection d = found.get(k);
            assertThat(d.matchedFields()).isInstanceOf(MatchedFields.class);
            CompiledRule rule = byRef.get(d.ruleId());
            assertThat(rule).as(d.ruleId()).isNotNull();
            ctx.bind(d.event());
            assertThat(rule.matches(ctx)).isTrue();
            List<Map.Entry<String, Object>> eager =
                    List.copyOf(rule.matchedFields(ctx).entrySet());
            assertThat(List.copyOf(d.matchedFields().entrySet()))
                    .as("matched fields of %s on %s", d.ruleId(), d.event())
                    .isEqualTo(eager);
            assertThat(concurrent.get(k)).isEqualTo(eager);
            assertThat(d.matchedFields()).isEqualTo(rule.matchedFields(ctx));
            if (!eager.isEmpty()) nonEmpty++;
        }
        assertThat(nonEmpty).isGreaterThan(found.size() / 2);
    }
}
