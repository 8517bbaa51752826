package dev.vigil.engine.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Route;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.index.CandidateIndex;
import dev.vigil.engine.index.Scratch;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.engine.pipeline.Pipelines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property (issue 3, item 1) for the value memo of the candidate index ({@code ValueMemo}): on a stream of random
 * events built from the corpus rules' literals where field values repeat (each string value is, three times in four,
 * one of the last values seen for that field name — as Image, User or CommandLine repeat in real logs), the
 * candidates with the memo are exactly the candidates without it, event by event, routing on and off; and the
 * detections of the indexed path (memo on, the default) are those of the naive path. Not vacuous: the memo must have
 * replayed many scans.
 */
class ValueMemoPropertyTest {
    @Test
    void candidatesWithTheMemoAreExactlyThoseWithoutIt() {
        RuleSet rules = Corpus.rules();
        long seed = Long.getLong("vigil.property.seed", 20261123L);
        Random rnd = new Random(seed);
        Map<String, List<Object>> pool = new HashMap<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 15_000; i++) events.add(repeating(IndexPropertyTest.randomEvent(rules, rnd), pool, rnd));
        Pipeline pipeline = Pipelines.auto();
        CandidateIndex index = rules.index();
        for (boolean routing : new boolean[] {true, false}) {
            EvalContext ctx = new EvalContext(rules.fields());
            Scratch with = index.newScratch(true);
            Scratch without = index.newScratch(false);
            int nonEmpty = 0;
            for (int i = 0; i < events.size(); i++) {
                if (!routing && i % 4 != 0) continue;
                Event e = pipeline.apply(events.get(i));
                Route route = routing
                        ? rules.router().routeOf(e.logsource())
                        : rules.router().all();
                ctx.bind(e);
                index.collect(ctx, route, with);
                int a = index.candidates(route, with);
                int[] ca = Arrays.copyOf(with.candidates(), a);
                index.collect(ctx, route, without);
                int b = index.candidates(route, without);
                int[] cb = Arrays.copyOf(without.candidates(), b);
                assertThat(ca)
                        .as("candidates of event %d (routing %s, seed %s): %s", i, routing, seed, e)
                        .isEqualTo(cb);
                if (a > 0) nonEmpty++;
            }
            assertThat(with.memoHits())
                    .as("scans replayed (routing %s)", routing)
                    .isGreaterThan(5_000);
            assertThat(nonEmpty)
                    .as("events with candidates (routing %s)", routing)
                    .isGreaterThan(1_000);
            assertThat(without.memoHits()).isZero();
        }
        List<String> detections = IndexEquivalenceTest.compare(rules, events, true);
        assertThat(detections.size()).isGreaterThan(2_000);
    }

    /** The event with its string values replaced, three times in four, by one of the last 12 seen for the field. */
    private static Event repeating(Event e, Map<String, List<Object>> pool, Random rnd) {
        Event.Builder b = Event.builder();
        for (int s = 0; s < e.size(); s++) {
            String name = e.name(s);
            Object v = e.value(s);
            if (v instanceof String && !name.equals("product") && !name.equals("category") && !name.equals("service")) {
                List<Object> seen = pool.computeIfAbsent(name, k -> new ArrayList<>());
                if (!seen.isEmpty() && rnd.nextInt(4) != 0) {
                    v = seen.get(rnd.nextInt(seen.size()));
                } else {
                    if (seen.size() == 12) seen.remove(rnd.nextInt(12));
                    seen.add(v);
                }
            }
            b.add(name, v);
        }
        return b.build();
    }
}
