package dev.vigil.engine.correlate;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code correlation} bench lane: match and correlate a lane file (NDJSON) with a rule file, report events/s
 * and firings. Events are read once; each iteration runs a fresh engine over them in batches, then flushes. The
 * clock is fixed (the lane's events carry no timestamps, so processing time stands in for event time and the run is
 * deterministic). {@link #firingSignature} is what the determinism test compares across runs and batch sizes.
 *
 * <pre>
 * ./mvnw -q -pl engine -am package -DskipTests
 * java -cp engine/target/classes:$(cat engine/target/classpath.txt) dev.vigil.engine.correlate.CorrelationBench \
 *     ../shared/bench/lanes/correlation.ndjson ../shared/bench/correlation-rules.yml [batchSize] [iterations]
 * </pre>
 */
public final class CorrelationBench {
    private CorrelationBench() {}

    /** What one run found: the firings (in order) and the counters. */
    public record Run(List<Detection> firings, int baseDetections, CorrelationStats stats, long nanos) {}

    /** Reads an NDJSON lane. */
    public static List<Event> readLane(Path lane) throws IOException {
        List<Event> events = new ArrayList<>();
        try (EventReader r = EventReader.open(lane)) {
            for (Event e = r.next(); e != null; e = r.next()) events.add(e);
        }
        return events;
    }

    /** Loads and compiles a rule file; refuses to run with refused rules (a bench must measure what it claims). */
    public static RuleSet rules(Path rules) {
        var loaded = RuleLoader.create(LoaderOptions.defaults()).load(List.of(rules));
        RuleSet rs = RuleSet.compile(loaded, CompileOptions.defaults());
        if (!rs.refusals().isEmpty()) throw new IllegalStateException("refused rules: " + rs.refusals());
        return rs;
    }

    /** One run over the events in batches of {@code batchSize}, then a flush. */
    public static Run run(RuleSet rules, List<Event> events, int batchSize, CorrelationOptions options) {
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
        Engine engine = Engine.create(rules, EngineOptions.defaults().withClock(clock), options);
        List<Detection> firings = new ArrayList<>();
        int base = 0;
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i += batchSize) {
            MatchResult r = engine.match(events.subList(i, Math.min(events.size(), i + batchSize)));
            for (Detection d : r.detections()) {
                if (d.correlation() != null) firings.add(d);
                else base++;
            }
        }
        firings.addAll(engine.flush().detections());
        long nanos = System.nanoTime() - start;
        return new Run(firings, base, engine.correlationStats(), nanos);
    }

    /** A stable text form of the firings: rule, group, window end, value, contributing count. */
    public static List<String> firingSignature(List<Detection> firings) {
        List<String> out = new ArrayList<>(firings.size());
        for (Detection d : firings) {
            CorrelationContext c = d.correlation();
            out.add(d.ruleId() + " " + c.groupKey() + " " + c.windowEnd() + " " + c.value() + " "
                    + c.contributingTotal());
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: CorrelationBench <lane.ndjson> <rules.yml> [batchSize=1000] [iterations=20]");
            System.exit(2);
        }
        List<Event> events = readLane(Path.of(args[0]));
        RuleSet rules = rules(Path.of(args[1]));
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        CorrelationOptions options = CorrelationOptions.defaults();
        Run last = null;
        long best = Long.MAX_VALUE;
        long total = 0;
        int warmup = Math.max(1, iterations / 4);
        for (int i = 0; i < warmup + iterations; i++) {
            Run r = run(rules, events, batch, options);
            if (i >= warmup) {
                best = Math.min(best, r.nanos());
                total += r.nanos();
            }
            last = r;
        }
        double mean = total / (double) iterations;
        System.out.printf(
                Locale.ROOT,
                "correlation lane: %d events, %d rules (%d correlation), batch %d, %d iterations after %d warm-up%n",
                events.size(),
                rules.size() + rules.correlationPlan().size(),
                rules.correlationPlan().size(),
                batch,
                iterations,
                warmup);
        System.out.printf(
                Locale.ROOT,
                "events/s: mean %.0f, best %.0f (single thread)%n",
                events.size() / (mean / 1e9),
                events.size() / (best / 1e9));
        System.out.printf(
                Locale.ROOT,
                "firings: %d, base detections emitted: %d, %s%n",
                last.firings().size(),
                last.baseDetections(),
                last.stats());
        java.util.Map<String, Integer> perRule = new java.util.TreeMap<>();
        for (Detection d : last.firings()) perRule.merge(d.ruleId(), 1, Integer::sum);
        perRule.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-36s %d%n", k, v));
    }
}
