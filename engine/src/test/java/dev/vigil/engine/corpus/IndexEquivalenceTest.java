package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.RuleFailure;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.SharedData;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Acceptance (issue 3, item 1): the candidate index never changes what is detected. For every bench lane and every
 * SigmaHQ regression sample, matching the whole corpus with the index and without it (the naive path that
 * evaluates every routed rule) yields the same detections — same rules, same events, same matched fields, in the
 * same order — and the same rule failures; with routing on for every event of every lane, and with routing off for
 * every sample and a slice of each lane (evaluating all 3,780 rules on every event is slow).
 */
class IndexEquivalenceTest {
    static final int BATCH = 500;
    /** With routing off, every n-th event of a lane (the naive path then evaluates every rule on every event). */
    static final int UNROUTED_STRIDE = 10;

    @TestFactory
    Stream<DynamicTest> everyLaneGivesTheSameDetectionsWithAndWithoutTheIndex() throws IOException {
        RuleSet rules = Corpus.rules();
        Path lanes = SharedData.resolve("bench/lanes");
        List<Path> files;
        try (Stream<Path> s = Files.list(lanes)) {
            files = s.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        return files.stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    List<Event> events = read(f);
                    assertThat(events).hasSize(10_000);
                    List<String> routed = compare(rules, events, true);
                    assertThat(routed).as("detections in %s", f).isNotNull();
                    List<Event> slice = new ArrayList<>();
                    for (int i = 0; i < events.size(); i += UNROUTED_STRIDE) slice.add(events.get(i));
                    compare(rules, slice, false);
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyRegressionSampleGivesTheSameDetectionsWithAndWithoutTheIndex() throws IOException {
        RuleSet rules = Corpus.rules();
        List<SigmaRegressionTest.Sample> samples = SigmaRegressionTest.samples();
        assertThat(samples).hasSize(140);
        return samples.stream()
                .map(s -> DynamicTest.dynamicTest(s.title(), () -> {
                    List<Event> events = SigmaRegressionTest.read(s.json());
                    for (boolean routing : new boolean[] {true, false}) {
                        List<String> found = compare(rules, events, routing);
                        assertThat(found).anyMatch(d -> d.startsWith(s.ruleId() + " "));
                    }
                }));
    }

    /** Matches with and without the index and asserts identical results; returns them (one line per detection). */
    static List<String> compare(RuleSet rules, List<Event> events, boolean routing) {
        EngineOptions base = EngineOptions.defaults().withRouting(routing);
        Engine indexed = Engine.create(rules, base.withIndex(true));
        Engine naive = Engine.create(rules, base.withIndex(false));
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int from = 0; from < events.size(); from += BATCH) {
            List<Event> batch = events.subList(from, Math.min(events.size(), from + BATCH));
            describe(indexed.match(batch), from, a);
            describe(naive.match(batch), from, b);
        }
        assertThat(a).as("indexed vs naive detections (routing %s)", routing).isEqualTo(b);
        assertThat(indexed.stats().ruleEvaluations())
                .as("the index must evaluate fewer rules than the naive path")
                .isLessThanOrEqualTo(naive.stats().ruleEvaluations());
        return a;
    }

    static void describe(MatchResult r, int offset, List<String> out) {
        for (Detection d : r.detections()) {
            out.add(d.ruleId() + " @" + (offset + d.eventIndex()) + " " + d.matchedFields());
        }
        for (RuleFailure f : r.errors()) out.add("FAILURE " + f.ruleId() + " @" + (offset + f.eventIndex()));
    }

    static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        try (EventReader r = EventReader.open(file)) {
            for (Event e = r.next(); e != null; e = r.next()) events.add(e);
        }
        return events;
    }
}
