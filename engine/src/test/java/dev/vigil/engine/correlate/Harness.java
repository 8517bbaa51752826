package dev.vigil.engine.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipelines;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: rules from YAML, events with event times, an engine on a fake clock, collected firings. */
final class Harness {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** A movable clock. */
    static final class FakeClock implements InstantSource {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final FakeClock clock = new FakeClock();
    final Engine engine;
    final List<Detection> base = new ArrayList<>();
    final List<Detection> firings = new ArrayList<>();

    Harness(RuleSet rules, CorrelationOptions options) {
        engine = Engine.create(
                rules,
                EngineOptions.defaults()
                        .withRouting(false)
                        .withPipeline(Pipelines.builtin("none"))
                        .withClock(clock),
                options);
    }

    /** Harness with the given rules, allowance zero (process on arrival). */
    static Harness of(String yaml) {
        return new Harness(rules(yaml), CorrelationOptions.defaults().withAllowance(Duration.ZERO));
    }

    static RuleSet rules(String yaml) {
        RuleSet rs = compile(yaml);
        assertThat(rs.refusals()).as("refusals").isEmpty();
        return rs;
    }

    static RuleSet compile(String yaml) {
        var loaded = RuleLoader.create(LoaderOptions.defaults()).loadText("test.yml", yaml);
        return RuleSet.compile(loaded, CompileOptions.defaults());
    }

    static List<Refusal> refusals(String yaml) {
        return compile(yaml).refusals();
    }

    /** A base rule matching {@code EventType: <type>}. */
    static String rule(String id, String type, String... extra) {
        StringBuilder b = new StringBuilder();
        b.append("title: Rule ")
                .append(id)
                .append("\nid: ")
                .append(id)
                .append("\nname: ")
                .append(id.replace('-', '_'));
        b.append("\nlogsource:\n    category: test\ndetection:\n    sel:\n        EventType: ")
                .append(type);
        b.append("\n    condition: sel\n");
        for (String e : extra) b.append(e).append('\n');
        return b.append("---\n").toString();
    }

    /** An event at {@code T0 + seconds} with fields given as name, value pairs. */
    static Event ev(double seconds, Object... kv) {
        Event.Builder b = Event.builder();
        for (int i = 0; i < kv.length; i += 2) b.add((String) kv[i], kv[i + 1]);
        if (!Double.isNaN(seconds)) b.timestamp(T0.plusMillis(Math.round(seconds * 1000)));
        return b.build();
    }

    /** Matches events one batch each. */
    Harness feed(Event... events) {
        for (Event e : events) collect(engine.match(List.of(e)));
        return this;
    }

    Harness batch(List<Event> events) {
        collect(engine.match(events));
        return this;
    }

    Harness flush() {
        collect(engine.flush());
        return this;
    }

    Harness tick() {
        collect(engine.tick());
        return this;
    }

    private void collect(MatchResult r) {
        assertThat(r.errors()).isEmpty();
        for (Detection d : r.detections()) {
            if (d.correlation() != null) firings.add(d);
            else base.add(d);
        }
    }

    List<Detection> firings(String ruleId) {
        return firings.stream().filter(d -> d.ruleId().equals(ruleId)).toList();
    }

    CorrelationStats stats() {
        return engine.correlationStats();
    }
}
