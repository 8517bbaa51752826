package dev.vigil.engine.bench;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Route;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.engine.event.EventParseException;
import dev.vigil.engine.index.Scratch;
import dev.vigil.engine.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The detection benchmark behind {@code vigil bench}, in the shape of the public Sigma engine benchmark (rsigma):
 * a lane is an NDJSON file of events; one run loads the rules (timed: "rule load"), then parses and matches the
 * lane {@code repeat} times over (timed: "eval"), on one thread, and reports events per second net of the load. The
 * median of several runs is reported. Eval and parse-only times are the benchmark thread's CPU time (wall time is
 * reported too): on a shared machine that is what one thread's throughput is. In the same run, the lane's <em>parse-only</em> throughput (JSON parse and
 * flatten into events, no pipeline, no rules) is measured the same way, so the cost of detection relative to merely
 * reading the events is visible. The two alternate pass by pass (one pass of detection over the lane, then one of
 * parse-only, {@code repeat} times), so a drift of the machine's speed during a run falls on both alike. Events are
 * parsed and matched in batches of {@link #DEFAULT_BATCH} unless chosen otherwise.
 *
 * <p>"Rule load" is loading and compiling the rules and building the candidate index of each logsource the lane's
 * events route to (otherwise built on the first event of that logsource: 80–140 ms for the 1,200 process-creation
 * rules, which would be billed to the first of the lane's events).
 *
 * <p>The lane's bytes are read into memory first (disk is not measured). Between runs nothing is cached across rule
 * sets: each run compiles a new rule set (its candidate index included) and a new engine. Candidate fractions (the
 * share of all loaded rules evaluated per event, p50/p95) come from one extra, untimed pass.
 */
public final class LaneBench {
    private LaneBench() {}

    /**
     * Events parsed before they are matched as one batch. Small enough that a batch's freshly parsed events are
     * still in the L1/L2 cache when the engine reads them, as in a streaming engine that matches each event as it is
     * parsed: with 512, events are parsed out of cache before the engine touches them again, and on a syslog lane
     * that costs the engine 150–200 ns per event (measured with {@code StageBreakdown -Dbatch=512} against 64).
     */
    public static final int DEFAULT_BATCH = 64;

    /**
     * How to run.
     *
     * @param warmups runs before the measured ones (not reported; the JIT compiles the hot paths)
     * @param decide report candidates the index decides without evaluating them ({@code EngineOptions#decide})
     * @param batch events parsed, then matched as one batch ({@link #DEFAULT_BATCH} unless chosen)
     */
    public record Options(
            List<Path> rules,
            LoaderOptions loader,
            Pipeline pipeline,
            int repeat,
            int runs,
            int warmups,
            boolean index,
            boolean routing,
            boolean valueMemo,
            boolean decide,
            int batch) {
        public Options {
            rules = List.copyOf(rules);
            if (repeat < 1) throw new IllegalArgumentException("repeat must be at least 1");
            if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
            if (warmups < 0) throw new IllegalArgumentException("warmups must not be negative");
            if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
        }

        EngineOptions engine() {
            return EngineOptions.defaults()
                    .withRouting(routing)
                    .withIndex(index)
                    .withPipeline(pipeline)
                    .withValueMemo(valueMemo)
                    .withDecide(decide);
        }
    }

    /**
     * One lane's figures (medians over the runs).
     *
     * @param events events processed per run ({@code lines × repeat})
     * @param matches detections per run
     * @param rules rules loaded
     * @param loadSeconds rule load and compile
     * @param evalSeconds parse and match of {@code events}, CPU time of the benchmark thread
     * @param evalWallSeconds the same, wall-clock time (higher when the machine is busy with other work)
     * @param eventsPerSecond {@code events / evalSeconds}
     * @param parseOnlyPerSecond events per second of parse and flatten alone
     * @param candidateP50 median share of loaded rules evaluated per event
     * @param candidateP95 95th percentile of that share
     * @param malformed lines that are not valid JSON objects (skipped, counted)
     */
    public record Result(
            String lane,
            long events,
            long matches,
            int rules,
            double loadSeconds,
            double evalSeconds,
            double evalWallSeconds,
            double eventsPerSecond,
            double parseOnlyPerSecond,
            double candidateP50,
            double candidateP95,
            long malformed) {

        /** Detection throughput as a share of parse-only throughput. */
        public double detectionToParse() {
            return parseOnlyPerSecond == 0 ? 0 : eventsPerSecond / parseOnlyPerSecond;
        }
    }

    /** A lane's non-blank lines as UTF-8 bytes. */
    public static List<byte[]> readLines(Path lane) throws IOException {
        byte[] all = Files.readAllBytes(lane);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int end = i;
                if (end > start && all[end - 1] == '\r') end--;
                if (end > start) lines.add(Arrays.copyOfRange(all, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    /** Loads and compiles the rules. */
    public static RuleSet load(Options o) {
        return RuleSet.compile(RuleLoader.create(o.loader()).load(o.rules()), CompileOptions.defaults());
    }

    /**
     * What one run's "rule load" measures: {@link #load}, then the candidate index of each logsource the lane routes
     * to (the index builds a route's part on the route's first event otherwise, and that is rule-set preparation, not
     * matching: the reference benchmark counts index construction in its load too).
     */
    static RuleSet loadFor(Options o, List<EventLogsource> logsources) {
        RuleSet rules = load(o);
        if (o.index()) {
            if (!o.routing()) rules.index().prepareAll();
            else
                for (EventLogsource ls : logsources)
                    rules.index().prepare(rules.router().routeOf(ls));
        }
        return rules;
    }

    /** The distinct logsources of a lane's events after the pipeline (unknown ones included: the all-rules route). */
    static List<EventLogsource> logsources(List<byte[]> lines, Pipeline pipeline) {
        java.util.LinkedHashSet<EventLogsource> out = new java.util.LinkedHashSet<>();
        for (byte[] line : lines) {
            try {
                out.add(pipeline.apply(Event.parseJson(line, 0, line.length)).logsource());
            } catch (EventParseException e) {
                // counted when the lane is matched
            }
            if (out.size() >= 64) break; // a lane of that many logsources is no longer about routing
        }
        out.remove(null);
        return List.copyOf(out);
    }

    /** Runs one lane: warm-ups, then {@code runs} measured runs; medians. */
    public static Result run(Path lane, Options o) throws IOException {
        List<byte[]> lines = readLines(lane);
        String name = lane.getFileName().toString().replaceFirst("\\.ndjson$", "");
        double[] load = new double[o.runs()];
        double[] eval = new double[o.runs()];
        double[] parse = new double[o.runs()];
        long matches = 0;
        long malformed = 0;
        RuleSet rules = null;
        double[] evalWall = new double[o.runs()];
        List<EventLogsource> logsources = logsources(lines, o.pipeline());
        for (int run = -o.warmups(); run < o.runs(); run++) {
            long t0 = System.nanoTime();
            rules = loadFor(o, logsources);
            long t1 = System.nanoTime();
            Engine engine = Engine.create(rules, o.engine());
            long[] counts = new long[2];
            long evalCpu = 0;
            long evalNanos = 0;
            long parseCpu = 0;
            long parsed = 0;
            // pass by pass, detection then parse-only: whatever the machine does meanwhile (other work, frequency)
            // falls on both alike, so their ratio holds even when the absolute figures drift
            for (int r = 0; r < o.repeat(); r++) {
                long w0 = System.nanoTime();
                long c0 = cpu();
                matchPass(engine, lines, o.batch(), counts);
                long c1 = cpu();
                evalNanos += System.nanoTime() - w0;
                parsed += parseLane(lines, 1);
                long c2 = cpu();
                evalCpu += c1 - c0;
                parseCpu += c2 - c1;
            }
            if (run < 0) continue;
            load[run] = (t1 - t0) / 1e9;
            eval[run] = evalCpu / 1e9;
            evalWall[run] = evalNanos / 1e9;
            parse[run] = parseCpu / 1e9;
            matches = counts[0];
            malformed = counts[1];
            if (parsed < 0) throw new IllegalStateException("unreachable");
        }
        long events = (long) (lines.size() - malformed / o.repeat()) * o.repeat();
        double evalSeconds = median(eval);
        double[] fractions = candidateFractions(rules, o, lines);
        return new Result(
                name,
                events,
                matches,
                rules.size(),
                median(load),
                evalSeconds,
                median(evalWall),
                events / evalSeconds,
                events / median(parse),
                percentile(fractions, 50),
                percentile(fractions, 95),
                malformed / o.repeat());
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * This thread's CPU time in nanoseconds (wall time where the JVM cannot measure it): on a shared machine the
     * thread's own CPU time is what "one thread" throughput means, undisturbed by time spent descheduled.
     */
    static long cpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * Parses and matches the lane once, in batches of {@code batchSize}; adds the detections to {@code counts[0]} and
     * the malformed lines to {@code counts[1]}.
     */
    static void matchPass(Engine engine, List<byte[]> lines, int batchSize, long[] counts) {
        List<Event> batch = new ArrayList<>(batchSize);
        long detections = 0;
        long malformed = 0;
        for (byte[] line : lines) {
            try {
                batch.add(Event.parseJson(line, 0, line.length));
            } catch (EventParseException e) {
                malformed++;
                continue;
            }
            if (batch.size() == batchSize) {
                detections += engine.match(batch).detections().size();
                batch.clear();
            }
        }
        if (!batch.isEmpty()) detections += engine.match(batch).detections().size();
        counts[0] += detections;
        counts[1] += malformed;
    }

    /** Parse-only: JSON parse and flatten, no pipeline, no rules. Returns a checksum so nothing is optimised away. */
    static long parseLane(List<byte[]> lines, int repeat) {
        long sum = 0;
        for (int r = 0; r < repeat; r++) {
            for (byte[] line : lines) {
                try {
                    sum += Event.parseJson(line, 0, line.length).size();
                } catch (EventParseException e) {
                    sum--;
                }
            }
        }
        return sum;
    }

    /** Per event (one pass over the lane): share of the loaded rules the engine would evaluate. */
    static double[] candidateFractions(RuleSet rules, Options o, List<byte[]> lines) {
        EvalContext ctx = new EvalContext(rules.fields());
        Scratch sc = rules.index().newScratch(o.valueMemo());
        double[] out = new double[lines.size()];
        int n = 0;
        double total = Math.max(1, rules.size());
        for (byte[] line : lines) {
            Event e;
            try {
                e = o.pipeline().apply(Event.parseJson(line, 0, line.length));
            } catch (EventParseException ex) {
                continue;
            }
            Route route = o.routing()
                    ? rules.router().routeOf(e.logsource())
                    : rules.router().all();
            int count;
            if (o.index()) {
                ctx.bind(e);
                rules.index().collect(ctx, route, sc);
                count = rules.index().candidates(route, sc);
            } else {
                count = route.rules().length;
            }
            out[n++] = count / total;
        }
        return Arrays.copyOf(out, n);
    }

    static double median(double[] xs) {
        return percentile(xs, 50);
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] xs, double p) {
        if (xs.length == 0) return 0;
        double[] s = xs.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
